"""Checks and finishing steps shared by every loader."""

import os
import warnings

import numpy as np

from keras_gen.data.scaling import SCALES
from keras_gen.data.scaling import check_numeric
from keras_gen.data.scaling import rescale

SPLITS = ("train", "test", "all")
DATA_DIR_VARIABLE = "KERAS_GEN_DATA"


def resolve_path(path):
    """`path`, or `$KERAS_GEN_DATA/path` for a relative path found only there.

    Every loader looks up files and folders this way, so `facades_128.npz`
    or `my_pictures/` resolve alike whether given as a name in the shared
    data folder or as a path.
    """
    path = os.fspath(path)
    if os.path.exists(path) or os.path.isabs(path):
        return path
    folder = os.environ.get(DATA_DIR_VARIABLE)
    candidate = os.path.join(folder, path) if folder else None
    return candidate if candidate and os.path.exists(candidate) else path


def warn_split(source, split, kept, total, test_fraction):
    """Says that `split` is a fixed share of data that has no split of its own."""
    share = 100 - round(100 * test_fraction) if split == "train" else round(100 * test_fraction)
    warnings.warn(f"{source} has no separate test set: split {split!r} is a fixed {share} % of "
                  f"its {total} samples ({kept}). Give train/test parts to choose the split.",
                  UserWarning, stacklevel=4)


def check_split(split):
    if split not in SPLITS:
        raise ValueError(f"Expected `split` to be one of {SPLITS}. Received: split={split!r}")
    return split


def check_scale(scale):
    if scale not in SCALES:
        raise ValueError(f"Expected `scale` to be one of {SCALES}. Received: scale={scale!r}")
    return scale


def check_limit(limit):
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise ValueError(f"Expected `limit` to be an integer >= 1 or None. Received: limit={limit!r}")
    return int(limit)


def check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"Expected `seed` to be an integer >= 0. Received: seed={seed!r}")
    return int(seed)


def check_images(name, x, source):
    """Checks data and gives images a channel axis: (N, H, W) -> (N, H, W, 1).

    2-D data (N, features) is kept as it is; 4-D data must be NHWC.
    """
    array = check_numeric(name, x)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim not in (2, 4):
        raise ValueError(
            f"Expected `{name}` in {source} to have shape (N, features), (N, H, W) or "
            f"(N, H, W, C). Received: {name} with shape {array.shape}"
        )
    return array


def check_labels(name, y, count, source):
    """Checks class labels (N,) or (N, 1) and returns them as int64 (N,)."""
    labels = check_numeric(name, y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or labels.shape[0] != count:
        raise ValueError(
            f"Expected `{name}` in {source} to hold one class label per sample ({count}); "
            "image targets go in inputs_*/targets_* arrays (a paired archive). "
            f"Received: {name} with shape {labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError(
                f"Expected `{name}` in {source} to hold integer class labels. "
                f"Received: {name} with dtype {labels.dtype} and fractional values"
            )
    return labels.astype("int64")


def subset_indices(count, limit, seed):
    """Indices of a seeded random subset of `limit` samples, kept in their stored order."""
    if limit is None or limit >= count:
        return None
    return np.sort(np.random.default_rng(seed).choice(count, size=limit, replace=False))


def finish(x, y, *, scale, flatten, limit, seed, value_range=None, y_is_image=False,
           threshold=0.5):
    """Applies `limit`, `scale` and `flatten` to `x` (and to `y` when it holds images)."""
    indices = subset_indices(len(x), limit, seed)
    if indices is not None:
        x = x[indices]
        y = None if y is None else y[indices]
    x = rescale(x, scale, value_range=value_range, threshold=threshold, seed=seed)
    if y is not None and y_is_image:
        y = rescale(y, scale, value_range=value_range, threshold=threshold, seed=seed + 1)
    if flatten:
        x = x.reshape((len(x), -1))
        if y is not None and y_is_image:
            y = y.reshape((len(y), -1))
    return x, y
