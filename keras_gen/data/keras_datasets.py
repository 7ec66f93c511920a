"""`keras.datasets` names, read from a local folder of `.npz` copies when there is one."""

import os

from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import DATA_DIR_VARIABLE
from keras_gen.data.loader_checks import check_split
from keras_gen.data.npz import load_arrays
from keras_gen.data.npz import load_npz

__all__ = ["KERAS_DATASETS", "load_keras_dataset", "local_copy"]

KERAS_DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100")


def _check_name(name):
    if name not in KERAS_DATASETS:
        raise ValueError(f"Expected `name` to be one of {KERAS_DATASETS}. Received: name={name!r}")
    return name


def local_copy(name, data_dir=None):
    """Finds the local `.npz` copy of a `keras.datasets` dataset, if any.

    Args:
        name: one of `KERAS_DATASETS`.
        data_dir: folder holding `<name>.npz`; defaults to the folder named
            by the `KERAS_GEN_DATA` environment variable.

    Returns:
        The path of `<data_dir>/<name>.npz`, or `None` when there is none.

    Example:

    >>> local_copy("mnist", data_dir="/nonexistent-folder") is None
    True
    """
    _check_name(name)
    folder = data_dir if data_dir is not None else os.environ.get(DATA_DIR_VARIABLE)
    if not folder:
        return None
    path = os.path.join(os.fspath(folder), f"{name}.npz")
    return path if os.path.isfile(path) else None


def load_keras_dataset(name, split="train", scale="unit", flatten=False, limit=None, seed=0,
                       threshold=0.5, data_dir=None, download=True):
    """Loads `mnist`, `fashion_mnist`, `cifar10` or `cifar100` as float32 arrays.

    A local copy is used when one exists: `<data_dir>/<name>.npz`, with
    `data_dir` defaulting to the `KERAS_GEN_DATA` environment variable (the
    archive holds `x_train`, `y_train`, `x_test`, `y_test`, like Keras's own
    `mnist.npz`). Otherwise `keras.datasets.<name>.load_data()` downloads it
    (into Keras's cache, `~/.keras/datasets`).

    Args:
        name: one of `"mnist"`, `"fashion_mnist"`, `"cifar10"`, `"cifar100"`.
        split: `"train"`, `"test"` or `"all"`.
        scale: `"unit"`, `"signed"`, `"binary"`, `"stochastic_binary"` or `None`.
        flatten: return (N, features) rows instead of (N, H, W, C) images.
        limit: keep a seeded random subset of at most this many samples.
        seed: seed of `limit`'s subset and of the stochastic binarization.
        threshold: threshold for `scale="binary"`, on the [0, 1] scale.
        data_dir: folder of local `.npz` copies (overrides `KERAS_GEN_DATA`).
        download: whether to fall back to `keras.datasets` when there is no
            local copy; with `False` a missing copy raises `ValueError`.

    Returns:
        `(x, y)`: float32 images (N, 28, 28, 1) or (N, 32, 32, 3) (or flat
        rows) and int64 labels (N,).

    Example:

    Offline, from a local copy (here a tiny stand-in for Keras's `mnist.npz`):

    >>> import tempfile
    >>> import numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> pixels = np.random.default_rng(0).integers(0, 256, (10, 28, 28), dtype="uint8")
    >>> np.savez(os.path.join(folder, "mnist.npz"), x_train=pixels[:8], y_train=np.arange(8),
    ...          x_test=pixels[8:], y_test=np.arange(2))
    >>> x, y = load_keras_dataset("mnist", split="test", scale="binary", flatten=True,
    ...                           data_dir=folder, download=False)
    >>> x.shape, sorted(np.unique(x).tolist()), y.tolist()
    ((2, 784), [0.0, 1.0], [0, 1])
    """
    _check_name(name)
    check_split(split)
    check_scale(scale)
    check_limit(limit)
    check_seed(seed)
    if data_dir is not None and not os.path.isdir(os.fspath(data_dir)):
        raise ValueError(f"Expected `data_dir` to be an existing folder. Received: data_dir={data_dir!r}")
    options = dict(split=split, scale=scale, flatten=flatten, limit=limit, seed=seed,
                   threshold=threshold)
    path = local_copy(name, data_dir)
    if path is not None:
        return load_npz(path, **options)
    if not download:
        folder = data_dir if data_dir is not None else os.environ.get(DATA_DIR_VARIABLE)
        raise ValueError(
            f"Expected a local copy {name}.npz in `data_dir` or ${DATA_DIR_VARIABLE} when "
            f"download=False. Received: name={name!r}, folder={folder!r}"
        )
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    except Exception as error:  # network failures surface as assorted exception types
        raise RuntimeError(
            f"Could not download {name!r} through keras.datasets ({error}). Offline, put "
            f"{name}.npz in a folder and name it with ${DATA_DIR_VARIABLE} or `data_dir`."
        ) from error
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return load_arrays(arrays, f"keras.datasets.{name}", **options)
