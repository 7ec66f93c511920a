"""`fit(x)` on NumPy arrays, fed from the accelerator's own memory where that pays.

Keras feeds NumPy arrays to a JAX or torch GPU one batch at a time: each step
gathers a batch on the host and copies it to the device. A fast GPU step no
longer hides that copy: on an H200 a 3 ms DCGAN step fed from NumPy ran at
0.64-0.71x the same `fit` fed from device memory (`benchmarks/gpu/`). So
every keras-gen model's `fit` hands plain NumPy training arrays to a
`DeviceDataset` (one copy to the device, shuffled and split there each
epoch) when an accelerator has room for them, and leaves everything else to
Keras unchanged.

Staging costs one copy per `fit` call. On the H200 a staged DCGAN epoch
(1.26 GB) ran 0.62 s against 0.83-0.91 s through Keras's feed, and the copy,
made up front, added about 0.24 s to a call: one epoch lost. The copy now
runs while the first epoch trains (`DeviceDataset` sends the first epoch's
rows in growing pieces from a background thread and serves each batch as
soon as its piece has arrived), so auto mode stages one-epoch calls too.
"""

import inspect
import os

import keras
import numpy as np
from keras.src.trainers.data_adapters.array_slicing import train_validation_split

from keras_gen.data.device_dataset import DeviceDataset

__all__ = ["set_device_feed", "get_device_feed", "staged_fit_arguments"]

MODES = ("auto", "always", "never")
# DeviceDataset holds the arrays and one shuffled copy; staging them may take
# at most this share of the device memory that is free.
MEMORY_SHARE = 0.25

_FIT_PARAMETERS = inspect.signature(keras.Model.fit)
_state = {"mode": None}


def _check_mode(mode, name):
    if mode not in MODES:
        raise ValueError(f"Expected `{name}` to be one of {MODES}. Received: {name}={mode!r}")
    return mode


def set_device_feed(mode):
    """Chooses how keras-gen models' `fit` feeds NumPy training arrays.

    Args:
        mode: `"auto"` (the default): stage the arrays on the accelerator
            (`DeviceDataset`) on the JAX and torch backends when a GPU or TPU
            has room for them (both copies within a quarter of its free
            memory); `"always"`: stage them on the default device whatever it
            is (also the CPU, and on TensorFlow); `"never"`: leave the
            arrays to Keras's own feed. The environment variable
            `KERAS_GEN_DEVICE_FEED` sets the starting mode.

    Returns:
        The previous mode.

    Example:

    >>> previous = set_device_feed("never")
    >>> get_device_feed()
    'never'
    >>> set_device_feed(previous) == "never"
    True
    """
    previous = get_device_feed()
    _state["mode"] = _check_mode(mode, "mode")
    return previous


def get_device_feed():
    """The current mode of `set_device_feed` (`"auto"`, `"always"` or `"never"`).

    Returns:
        The mode as a string.

    Example:

    >>> get_device_feed() in ("auto", "always", "never")
    True
    """
    if _state["mode"] is None:
        _state["mode"] = _check_mode(os.environ.get("KERAS_GEN_DEVICE_FEED", "auto"),
                                     "KERAS_GEN_DEVICE_FEED")
    return _state["mode"]


def _free_accelerator_bytes():
    """Free memory of the default accelerator, or None on a CPU (or unknown)."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax  # lazily: only the JAX backend asks

        device = jax.local_devices()[0]
        if device.platform == "cpu":
            return None
        stats = device.memory_stats() or {}
        if "bytes_limit" not in stats:
            return None
        return stats["bytes_limit"] - stats.get("bytes_in_use", 0)
    if backend == "torch":
        import torch  # lazily: only the torch backend asks

        if not torch.cuda.is_available():
            return None
        return torch.cuda.mem_get_info()[0]
    # TensorFlow feeds arrays through tf.data, which prefetches already.
    return None


def _stageable(x, y, arguments):
    if not isinstance(x, np.ndarray) or x.ndim == 0 or len(x) == 0:
        return False
    if y is not None and not (isinstance(y, np.ndarray) and y.ndim > 0 and len(y) == len(x)):
        return False
    if arguments.get("sample_weight") is not None or arguments.get("class_weight") is not None:
        return False
    if arguments.get("steps_per_epoch") is not None:
        return False
    if not isinstance(arguments.get("shuffle", True), bool):
        return False  # shuffle="batch" keeps Keras's own meaning
    return keras.distribution.distribution() is None


def staged_fit_arguments(x, y, args=(), kwargs=None):
    """The arguments of `keras.Model.fit`, NumPy training data staged on the device where it pays.

    Called by every keras-gen model's `fit` after its input checks. When the
    mode (`set_device_feed`) allows it and `x` (and `y`) are NumPy arrays
    without sample or class weights, `steps_per_epoch` or
    `shuffle="batch"`, they become a `DeviceDataset` with the same batch
    size and shuffling; `validation_split` is taken first, exactly as Keras
    takes it (the last samples), and passed on as `validation_data`.
    Auto mode stages only on a JAX or torch accelerator, when the two
    copies fit in `MEMORY_SHARE` of the free device memory. Anything else
    is returned as given.

    Args:
        x, y: `fit`'s first two arguments.
        args: the rest of `fit`'s positional arguments.
        kwargs: `fit`'s keyword arguments.

    Returns:
        A dict of keyword arguments for `keras.Model.fit`.

    Example:

    >>> x = np.zeros((10, 3), "float32")
    >>> previous = set_device_feed("always")
    >>> arguments = staged_fit_arguments(x, None, (), {"batch_size": 4, "validation_split": 0.2})
    >>> type(arguments["x"]).__name__, len(arguments["x"]), arguments["validation_data"][0].shape
    ('DeviceDataset', 2, (2, 3))
    >>> _ = set_device_feed(previous)
    """
    arguments = _FIT_PARAMETERS.bind_partial(None, x, y, *args, **(kwargs or {})).arguments
    arguments.pop("self")
    mode = get_device_feed()
    if mode == "never" or not _stageable(x, y, arguments):
        return arguments
    if mode == "auto":
        if keras.backend.backend() not in ("jax", "torch"):
            return arguments
        free = _free_accelerator_bytes()
        copies = 2 * (x.nbytes + (0 if y is None else y.nbytes))
        if free is None or copies > MEMORY_SHARE * free:
            return arguments
    split = arguments.pop("validation_split", 0.0)
    if split and arguments.get("validation_data") is None:
        (x, y), validation = train_validation_split((x, y), validation_split=split)
        arguments["validation_data"] = validation if y is not None else (validation[0],)
    shuffle = arguments.pop("shuffle", True)
    batch_size = arguments.pop("batch_size", None) or 32
    arguments["x"] = DeviceDataset(x, y, batch_size=batch_size, shuffle=shuffle,
                                   seed=int(np.random.randint(0, 2**31 - 1)))
    arguments["y"] = None
    return arguments
