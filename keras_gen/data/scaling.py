"""Scaling helpers: pixels to [0, 1], to [-1, 1], and to binary values.

Every helper first maps its input to [0, 1] with the same rule, so they can
be given raw pixels (`uint8` 0..255) or data that is already scaled:

- integer arrays are read as 0..255 pixels (values above 255 raise), except
  that integers holding only 0 and 1 (and booleans) are read as binary data;
- float arrays in [0, 1] are kept as they are;
- float arrays in [-1, 1] with negative values are read as signed data;
- anything else needs an explicit `value_range=(low, high)`.
"""

import numpy as np

__all__ = [
    "SCALES",
    "binarize",
    "rescale",
    "stochastic_binarize",
    "to_signed",
    "to_unit",
]

SCALES = ("unit", "signed", "binary", "stochastic_binary", None)


def check_numeric(name, x):
    """Returns `x` as a NumPy array after rejecting strings, objects, NaN, Inf and empty data."""
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged nested lists and the like
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. Received: {name} of type "
            f"{type(x).__name__} ({error})"
        ) from None
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(
            f"Expected `{name}` to hold numbers. Received: {name} with dtype {array.dtype}"
        )
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(
            f"Expected `{name}` to hold real numbers. Received: {name} with dtype {array.dtype}"
        )
    if array.ndim == 0 or array.shape[0] == 0 or array.size == 0:
        raise ValueError(
            f"Expected `{name}` to be non-empty. Received: {name} with shape {array.shape}"
        )
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        bad = int(array.size - np.isfinite(array).sum())
        raise ValueError(
            f"Expected `{name}` to hold finite values. Received: {name} with {bad} NaN/Inf values"
        )
    return array


def infer_value_range(x, name="x"):
    """Guesses the range the values of `x` are stored in (see the module docstring)."""
    array = check_numeric(name, x)
    low, high = float(array.min()), float(array.max())
    if array.dtype == bool or (np.issubdtype(array.dtype, np.integer) and low >= 0 and high <= 1):
        return (0.0, 1.0)
    if np.issubdtype(array.dtype, np.integer):
        if low < 0 or high > 255:
            raise ValueError(
                f"Expected integer `{name}` to hold 0..255 pixels, or an explicit "
                f"`value_range`. Received: {name} with values in [{low:g}, {high:g}]"
            )
        return (0.0, 255.0)
    if low >= 0.0 and high <= 1.0:
        return (0.0, 1.0)
    if low >= -1.0 and high <= 1.0:
        return (-1.0, 1.0)
    raise ValueError(
        f"Expected float `{name}` in [0, 1] or [-1, 1], or an explicit `value_range` "
        f"(e.g. value_range=(0, 255)). Received: {name} with values in [{low:g}, {high:g}]"
    )


def _check_value_range(value_range):
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"Expected `value_range` to be a pair (low, high). Received: value_range={value_range!r}"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            "Expected `value_range` to be finite with low < high. "
            f"Received: value_range={value_range!r}"
        )
    return low, high


def to_unit(x, value_range=None):
    """Maps data to float32 values in [0, 1].

    Args:
        x: array-like of numbers: `uint8` pixels, or floats in [0, 1] or [-1, 1].
        value_range: `(low, high)` the values are stored in; inferred when
            `None` (integers as 0..255, floats as [0, 1] or [-1, 1]).

    Returns:
        A float32 array of the same shape with values in [0, 1].

    Example:

    >>> to_unit(np.array([0, 51, 255], dtype="uint8"))
    array([0. , 0.2, 1. ], dtype=float32)
    """
    array = check_numeric("x", x)
    if value_range is None:
        low, high = infer_value_range(array)
    else:
        low, high = _check_value_range(value_range)
        amin, amax = float(array.min()), float(array.max())
        if amin < low or amax > high:
            raise ValueError(
                f"Expected `x` to lie in value_range=[{low:g}, {high:g}]. "
                f"Received: x with values in [{amin:g}, {amax:g}]"
            )
    array = array.astype("float32")
    if (low, high) == (0.0, 1.0):
        return array
    return ((array - low) / (high - low)).astype("float32")


def to_signed(x, value_range=None):
    """Maps data to float32 values in [-1, 1] (the range of a `tanh` generator).

    Args:
        x: array-like of numbers; see `to_unit`.
        value_range: `(low, high)` the values are stored in; inferred when `None`.

    Returns:
        A float32 array of the same shape with values in [-1, 1].

    Example:

    >>> to_signed(np.array([0, 255], dtype="uint8"))
    array([-1.,  1.], dtype=float32)
    """
    return (to_unit(x, value_range) * 2.0 - 1.0).astype("float32")


def binarize(x, threshold=0.5, value_range=None):
    """Thresholds data to 0/1 after mapping it to [0, 1] (fixed binarization).

    Args:
        x: array-like of numbers; see `to_unit`.
        threshold: values strictly above it (on the [0, 1] scale) become 1.
        value_range: `(low, high)` the values are stored in; inferred when `None`.

    Returns:
        A float32 array of zeros and ones.

    Example:

    >>> binarize(np.array([0, 100, 200], dtype="uint8"))
    array([0., 0., 1.], dtype=float32)
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)) or not (
        0.0 <= float(threshold) <= 1.0
    ):
        raise ValueError(
            f"Expected `threshold` to be a number in [0, 1]. Received: threshold={threshold!r}"
        )
    return (to_unit(x, value_range) > threshold).astype("float32")


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer, tuple, list)):
        raise ValueError(
            f"Expected `seed` to be an integer or a numpy Generator. Received: seed={seed!r}"
        )
    return np.random.default_rng(seed)


def stochastic_binarize(x, seed=0, value_range=None):
    """Draws 0/1 values with P(1) equal to the [0, 1]-scaled data (a Bernoulli draw).

    This is the binarization of Salakhutdinov & Murray (2008) used for
    binarized MNIST. For a fresh draw every epoch ("dynamic binarization")
    use `DynamicBinarizationDataset`.

    Args:
        x: array-like of numbers; see `to_unit`.
        seed: integer seed (or a `numpy.random.Generator`); the same seed
            gives the same draw.
        value_range: `(low, high)` the values are stored in; inferred when `None`.

    Returns:
        A float32 array of zeros and ones.

    Example:

    >>> stochastic_binarize(np.array([0.0, 1.0, 0.0, 1.0]), seed=0)
    array([0., 1., 0., 1.], dtype=float32)

    Reference:
        Salakhutdinov & Murray, "On the Quantitative Analysis of Deep Belief
        Networks", ICML 2008.
    """
    probabilities = to_unit(x, value_range)
    draws = _rng(seed).random(probabilities.shape, dtype="float32")
    return (draws < probabilities).astype("float32")


def rescale(x, scale="unit", value_range=None, threshold=0.5, seed=0):
    """Applies one of the named scales used by `load_dataset`.

    Args:
        x: array-like of numbers; see `to_unit`.
        scale: `"unit"` ([0, 1]), `"signed"` ([-1, 1]), `"binary"` (fixed
            threshold), `"stochastic_binary"` (seeded Bernoulli draw) or
            `None` (values kept as stored, cast to float32).
        value_range: `(low, high)` the values are stored in; inferred when `None`.
        threshold: threshold for `scale="binary"`.
        seed: seed for `scale="stochastic_binary"`.

    Returns:
        A float32 array of the same shape.

    Example:

    >>> rescale(np.array([0, 255], dtype="uint8"), "signed")
    array([-1.,  1.], dtype=float32)
    """
    if scale not in SCALES:
        raise ValueError(f"Expected `scale` to be one of {SCALES}. Received: scale={scale!r}")
    if scale is None:
        return check_numeric("x", x).astype("float32")
    if scale == "unit":
        return to_unit(x, value_range)
    if scale == "signed":
        return to_signed(x, value_range)
    if scale == "binary":
        return binarize(x, threshold, value_range)
    return stochastic_binarize(x, seed, value_range)
