"""Old names that keep working for one release, with a `DeprecationWarning`."""

import functools
import importlib
import warnings

__all__ = ["warn_deprecated", "moved_names_getattr", "old_positional_order"]

REMOVED_IN = "0.3"


def warn_deprecated(old, new, stacklevel=3):
    """Warns that `old` is deprecated in favour of `new` (removed in `REMOVED_IN`).

    Args:
        old: the old name, as users wrote it.
        new: what to use instead.
        stacklevel: passed to `warnings.warn` (3: the caller's caller).

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_deprecated("DBN.generate(count)", "DBN.sample(count)")
    >>> str(caught[0].message)
    'DBN.generate(count) is deprecated and will be removed in keras-gen 0.3: use DBN.sample(count).'
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in keras-gen {REMOVED_IN}: use {new}.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def moved_names_getattr(package, moved, fallback=None):
    """A module `__getattr__` serving names that moved elsewhere, with a warning.

    Args:
        package: the old module's name (`__name__`).
        moved: dict old attribute name -> `"new.module:Name"`.
        fallback: the module's previous `__getattr__`, tried for other names.

    Returns:
        A function for the module's `__getattr__`.

    Example:

    >>> getattr_ = moved_names_getattr("old.place", {"Thing": "keras_gen.utils.files:atomic_path"})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     getattr_("Thing").__name__
    'atomic_path'
    """

    def __getattr__(name):
        if name in moved:
            module_name, attribute = moved[name].split(":")
            warn_deprecated(f"{package}.{name}", f"{module_name}.{attribute}")
            return getattr(importlib.import_module(module_name), attribute)
        if fallback is not None:
            return fallback(name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def old_positional_order(old, new=(), is_old=None):
    """Decorator: a method still takes its former positional order for one release.

    For a method whose options became keyword-only or changed places (the
    shared verbs of `keras_gen.models.GenerativeModel`): a call whose
    positional arguments after the first follow the old order is mapped to
    keywords, with a `DeprecationWarning`; other calls pass through. Arguments
    that fit neither order raise a `TypeError` naming the new form.

    Args:
        old: the former names of the positional parameters after the first.
        new: the current names of those parameters.
        is_old: function of `(args, kwargs)` (the positional arguments after
            the first, and the keywords) telling an old-order call, e.g. a
            string where `batch_size` now stands. More positional arguments
            than `new` holds always mean the old order.

    Returns:
        A decorator.

    Example:

    >>> class Model:
    ...     @old_positional_order(old=("direction", "batch_size"), new=("batch_size",),
    ...                           is_old=lambda args, kwargs: isinstance(args[0], str))
    ...     def translate(self, images, batch_size=32, *, direction="a_to_b"):
    ...         return direction, batch_size
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Model().translate([], "b_to_a", 8)
    ('b_to_a', 8)
    >>> caught[0].category.__name__
    'DeprecationWarning'
    >>> Model().translate([], 8, direction="b_to_a")
    ('b_to_a', 8)
    """
    old, new = tuple(old), tuple(new)

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, first, *args, **kwargs):
            if not args or not (len(args) > len(new) or (is_old and is_old(args, kwargs))):
                return method(self, first, *args, **kwargs)
            name = f"{type(self).__name__}.{method.__name__}"
            keywords = ", ".join(f"{key}=..." for key in old if key not in new)
            usage = f"{name}(..., {', '.join(new + (keywords,)) if new else keywords})"
            if len(args) > len(old):
                raise TypeError(
                    f"{name} takes at most {len(old)} arguments after the first in its old "
                    f"positional order {old}. Received: {len(args)}. Use {usage}."
                )
            given = dict(zip(old, args))
            clash = sorted(set(given) & set(kwargs))
            if clash:
                raise TypeError(
                    f"{name} received {clash} both by position (the old order {old}) and "
                    f"by keyword. Use {usage}."
                )
            warn_deprecated(f"{name} with {', '.join(given)} passed by position", usage)
            return method(self, first, **given, **kwargs)

        return wrapper

    return decorate
