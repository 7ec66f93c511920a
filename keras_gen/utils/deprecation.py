"""Old names that keep working for one release, with a `DeprecationWarning`."""

import importlib
import warnings

__all__ = ["warn_deprecated", "moved_names_getattr"]

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
