"""Argument checks that fail early with a message naming the argument and value."""

import numbers

import numpy as np


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return repr(value)


def check_positive_int(name, value, minimum=1):
    """Raises `ValueError` unless `value` is an integer `>= minimum`.

    Args:
        name: argument name used in the message.
        value: the value received.
        minimum: smallest accepted value.

    Returns:
        `value` as a Python `int`.

    Example:

    >>> check_positive_int("hidden_units", 10)
    10
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"Expected `{name}` to be an integer >= {minimum}. "
            f"Received: {name}={_describe(value)}"
        )
    if value < minimum:
        raise ValueError(
            f"Expected `{name}` to be an integer >= {minimum}. Received: {name}={value}"
        )
    return int(value)


def check_seed(seed, name="seed"):
    """Raises `ValueError` unless `seed` is `None` or an integer `>= 0`.

    Returns:
        `None` or the seed as a Python `int`.

    Example:

    >>> check_seed(7), check_seed(None)
    (7, None)
    """
    if seed is None:
        return None
    return check_positive_int(name, seed, minimum=0)


def check_non_negative(name, value):
    """Raises `ValueError` unless `value` is a finite number `>= 0`.

    Example:

    >>> check_non_negative("beta", 0.5)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"Expected `{name}` to be a number >= 0. Received: {name}={_describe(value)}"
        )
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"Expected `{name}` to be a number >= 0. Received: {name}={value}")
    return float(value)


def check_probability(name, value, allow_zero=True, allow_one=True):
    """Raises `ValueError` unless `value` is a number in [0, 1].

    Example:

    >>> check_probability("corruption_level", 0.3)
    0.3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"Expected `{name}` to be a number in [0, 1]. "
            f"Received: {name}={_describe(value)}"
        )
    low_ok = value > 0 or (allow_zero and value == 0)
    high_ok = value < 1 or (allow_one and value == 1)
    if not (np.isfinite(value) and low_ok and high_ok):
        lo = "[" if allow_zero else "("
        hi = "]" if allow_one else ")"
        raise ValueError(
            f"Expected `{name}` to be a number in {lo}0, 1{hi}. Received: {name}={value}"
        )
    return float(value)


def check_in(name, value, allowed):
    """Raises `ValueError` unless `value` is one of `allowed`.

    Example:

    >>> check_in("visible_type", "bernoulli", ("bernoulli", "gaussian"))
    'bernoulli'
    """
    if value not in allowed:
        raise ValueError(
            f"Expected `{name}` to be one of {tuple(allowed)}. Received: {name}={value!r}"
        )
    return value


def check_array(
    name,
    x,
    *,
    ndim=None,
    last_dim=None,
    value_range=None,
    allow_empty=False,
    dtype="float32",
):
    """Converts `x` to a NumPy array and checks it before any work starts.

    Args:
        name: argument name used in messages.
        x: array-like data.
        ndim: required number of dimensions (int or tuple of ints), or `None`.
        last_dim: required size of the last axis, or `None`.
        value_range: `(low, high)` inclusive bounds the values must lie in.
        allow_empty: whether zero samples are accepted.
        dtype: dtype of the returned array; `None` keeps the input's.

    Returns:
        The checked NumPy array.

    Example:

    >>> check_array("x", [[0.0, 1.0]], last_dim=2, value_range=(0, 1)).shape
    (1, 2)
    """
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged lists and similar
        raise ValueError(
            f"Expected `{name}` to be an array. Received: {name} of type "
            f"{type(x).__name__} ({error})"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(
            f"Expected `{name}` to hold numbers. Received: {name} with dtype {array.dtype}"
        )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(
                f"Expected `{name}` to have {' or '.join(map(str, allowed))} "
                f"dimensions. Received: {name} with shape {array.shape}"
            )
    if not allow_empty and (array.ndim == 0 or array.shape[0] == 0):
        raise ValueError(f"Expected `{name}` to be non-empty. Received: {name} with shape {array.shape}")
    if last_dim is not None and (array.ndim == 0 or array.shape[-1] != last_dim):
        raise ValueError(
            f"Expected `{name}` to have {last_dim} features on its last axis. "
            f"Received: {name} with shape {array.shape}"
        )
    if np.issubdtype(array.dtype, np.floating) and array.size and not np.isfinite(array).all():
        bad = int(np.size(array) - np.isfinite(array).sum())
        raise ValueError(
            f"Expected `{name}` to hold finite values. Received: {name} with {bad} NaN/Inf values"
        )
    if value_range is not None and array.size:
        low, high = value_range
        amin, amax = float(array.min()), float(array.max())
        if amin < low or amax > high:
            raise ValueError(
                f"Expected `{name}` to lie in [{low}, {high}]. Received: {name} with "
                f"values in [{amin:g}, {amax:g}]"
            )
    return array


def check_class_labels(name, label, count, num_classes, model="model"):
    """One-hot rows for `label`: one class index for all `count` rows, or `count` of them.

    Args:
        name: the argument's name in error messages.
        label: `None`, an integer class index, or `count` of them.
        count: number of rows wanted.
        num_classes: the model's number of classes, or `None` for a model
            without label units (then only `label=None` is accepted).
        model: what to call the model in error messages.

    Returns:
        `None` for `label=None`, else a float32 array (count, num_classes).

    Example:

    >>> check_class_labels("label", 2, 3, num_classes=4).argmax(axis=1).tolist()
    [2, 2, 2]
    """
    if label is None:
        return None
    if not num_classes:
        raise ValueError(f"Expected `{name}` only for a {model} with label units (`num_classes`). "
                         f"Received: {name}={_describe(label)} for an unlabelled {model}")
    values = np.asarray(label)
    if values.ndim == 0:
        values = np.full(count, values)
    integer = values.dtype.kind in "iu" or (values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0))
    if values.ndim != 1 or len(values) != count or not integer or values.min() < 0 or values.max() >= num_classes:
        shown = f"{_describe(values)} with values in [{values.min()}, {values.max()}]" if values.size > 10 else (
            repr(label))
        raise ValueError(f"Expected `{name}` to be a class index in [0, {num_classes}) or {count} of them. "
                         f"Received: {name}={shown}")
    return np.eye(num_classes, dtype="float32")[values.astype("int64")]
