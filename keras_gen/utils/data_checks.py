"""The one input check every model runs on its data before any work starts."""

import numpy as np

__all__ = ["check_data", "is_array_like", "output_range"]

_ACTIVATION_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0)}


def output_range(network):
    """The range of a network's outputs read from its last activation, or None.

    Args:
        network: a `keras.Model` (nested models are followed to their last layer).

    Returns:
        `(low, high)` for a tanh or sigmoid output, else None.

    Example:

    >>> import keras
    >>> output_range(keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh")]))
    (-1.0, 1.0)
    """
    for layer in reversed(getattr(network, "layers", [])):
        if hasattr(layer, "layers"):
            return output_range(layer)
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return _ACTIVATION_RANGES.get(getattr(activation, "__name__", None))
        if layer.weights:
            return None
    return None


def is_array_like(x):
    """Whether `x` is data held in memory (a NumPy array, a backend tensor, a
    list of numbers) rather than a stream (a dataset, a generator) that can
    only be checked batch by batch."""
    import keras

    if isinstance(x, (np.ndarray, np.generic, list)) or keras.ops.is_tensor(x):
        return True
    return type(x).__module__.startswith("scipy.sparse")


def _shape_text(sample_shape):
    return "(N, " + ", ".join("?" if s is None else str(s) for s in sample_shape) + ")"


def _check_shape(name, array, sample_shape):
    expected = tuple(sample_shape)
    shape = array.shape
    if array.ndim == len(expected) + 1 and all(
            want is None or want == got for want, got in zip(expected, shape[1:])):
        return
    if (len(expected) >= 3 and array.ndim == len(expected) + 1
            and all(w is None or w == g for w, g in zip(expected[:-1], shape[1:-1]))):
        raise ValueError(
            f"Expected `{name}` to have {expected[-1]} channel(s) on its last axis, an array "
            f"of shape {_shape_text(expected)}. Received: {name} with shape {shape}"
        )
    raise ValueError(
        f"Expected `{name}` to hold samples of shape {expected}, an array of shape "
        f"{_shape_text(expected)}. Received: {name} with shape {shape}"
    )


def _non_finite(name, array):
    finite = np.isfinite(array)
    if finite.all():
        return
    nan = int(np.isnan(array).sum())
    inf = int(array.size - finite.sum()) - nan
    first = tuple(int(i) for i in np.argwhere(~finite)[0])
    raise ValueError(
        f"Expected `{name}` to hold finite values. Received: {name} with {nan} NaN and {inf} "
        f"Inf values (the first at index {first})"
    )


def check_data(name, x, sample_shape=None, value_range=None, max_abs=None, reason=None,
               allow_empty=False, dtype="float32", keep_integer=False):
    """Checks data given to a model and returns it as a NumPy array.

    The checks, in this order, each with a `ValueError` naming `name` and
    what was received ("Expected `x` to ... Received: x ..."): numbers (not
    strings or objects), the shape of one sample (`None` matches any size; a
    wrong last axis of images is reported as wrong channels), at least one
    sample, finite values, and the value range the model implies (its output
    activation or likelihood). Data that is not in memory (a dataset, a
    generator, a `keras.utils.PyDataset`) is returned unchanged: it is seen
    batch by batch, where `DivergenceGuard` stops at the first non-finite loss.

    Args:
        name: the argument's name, used in messages.
        x: the data.
        sample_shape: the shape of one sample, or `None` for any.
        value_range: `(low, high)` the values must lie in, or `None`.
        max_abs: largest |value| accepted, or `None`.
        reason: why the range applies, shown in the message (e.g. "the range
            of the generator's tanh output").
        allow_empty: accept zero samples.
        dtype: dtype of the returned array.
        keep_integer: return integer and boolean data as it is (not cast).

    Returns:
        The checked data as a NumPy array (or `x` itself when not in memory).

    Example:

    >>> check_data("x", [[0.0, 1.0]], sample_shape=(2,), value_range=(0, 1)).dtype
    dtype('float32')
    >>> check_data("x", np.full((1, 2), np.nan), sample_shape=(2,))
    Traceback (most recent call last):
    ...
    ValueError: Expected `x` to hold finite values. Received: x with 2 NaN and 0 Inf values (the first at index (0, 0))
    """
    import keras

    if x is None:
        raise ValueError(f"Expected `{name}` to be data (an array). Received: {name}=None")
    if not is_array_like(x):
        return x
    if type(x).__module__.startswith("scipy.sparse"):
        array = x.data  # the stored values; the shape is the matrix's
        shape = x.shape
    else:
        try:
            array = keras.ops.convert_to_numpy(x) if keras.ops.is_tensor(x) else np.asarray(x)
        except (ValueError, TypeError) as error:  # ragged nested lists
            raise ValueError(
                f"Expected `{name}` to be an array of numbers. Received: {name} of type "
                f"{type(x).__name__} that is not one ({str(error).splitlines()[0]})"
            ) from None
        shape = array.shape
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(
            f"Expected `{name}` to hold numbers. Received: {name} with dtype {array.dtype}"
        )
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(
            f"Expected `{name}` to hold real numbers. Received: {name} with dtype {array.dtype}"
        )
    if sample_shape is not None:
        _check_shape(name, np.empty(shape, dtype="bool") if array.shape != shape else array,
                     sample_shape)
    if len(shape) == 0:
        raise ValueError(f"Expected `{name}` to be an array of samples. Received: {name}={x!r}")
    if not allow_empty and shape[0] == 0:
        raise ValueError(
            f"Expected `{name}` to hold at least one sample. Received: {name} with shape {shape}"
        )
    if np.issubdtype(array.dtype, np.floating) and array.size:
        _non_finite(name, array)
    why = f" ({reason})" if reason else ""
    if array.size and (value_range is not None or max_abs is not None):
        low, high = float(array.min()), float(array.max())
        if shape != array.shape and array.size < int(np.prod(shape)):
            low, high = min(low, 0.0), max(high, 0.0)  # sparse: the zeros count too
        if value_range is not None and (low < value_range[0] or high > value_range[1]):
            raise ValueError(
                f"Expected `{name}` to lie in [{value_range[0]:g}, {value_range[1]:g}]{why}. "
                f"Received: {name} with values in [{low:g}, {high:g}]"
            )
        if max_abs is not None and max(abs(low), abs(high)) > max_abs:
            raise ValueError(
                f"Expected `{name}` scaled to |values| <= {max_abs:g}{why}. Received: {name} "
                f"with values in [{low:g}, {high:g}]"
            )
    if shape != array.shape:
        return x
    integer = array.dtype == bool or np.issubdtype(array.dtype, np.integer)
    if dtype is None or (keep_integer and integer):
        return array
    return array.astype(dtype, copy=False)
