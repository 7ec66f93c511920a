"""`.npz` archives: MNIST-like, paired (Pix2Pix) and unpaired (CycleGAN) layouts."""

import os
import zipfile

import numpy as np

from keras_gen.data.loader_checks import check_images
from keras_gen.data.loader_checks import check_labels
from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.data.loader_checks import finish
from keras_gen.data.loader_checks import resolve_path
from keras_gen.data.loader_checks import subset_indices
from keras_gen.data.loader_checks import warn_split

__all__ = ["load_npz", "npz_layout"]

# layout name -> (first array prefix, second array prefix)
LAYOUTS = {
    "labeled": ("x", "y"),
    "paired": ("inputs", "targets"),
    "unpaired": ("a", "b"),
}
TEST_FRACTION = 0.2


def _check_path(path):
    try:
        path = resolve_path(path)
    except TypeError:
        raise ValueError(f"Expected `path` to be a file path. Received: path={path!r}") from None
    if not os.path.isfile(path):
        raise ValueError(f"Expected `path` to be an existing .npz file. Received: path={path!r} "
                         "(no such file)")
    return path


def _read(path):
    """Reads every array of the archive into a dict, with clear errors."""
    if not zipfile.is_zipfile(path):
        raise ValueError(f"Expected `path` to be an .npz (zip) archive. Received: path={path!r}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {}
            for key in archive.files:
                try:
                    arrays[key] = archive[key]
                except ValueError as error:  # object arrays need pickle: never load those
                    raise ValueError(
                        f"Expected array {key!r} in {path!r} to hold numbers. "
                        f"Received: an object array ({error})"
                    ) from None
            return arrays
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValueError(f"Expected `path` to be a readable .npz archive. Received: path={path!r} "
                         f"({error})") from None


def npz_layout(keys):
    """Names the layout of an archive from its array names.

    Args:
        keys: the array names in the archive.

    Returns:
        `"labeled"` (`x_train`, `y_train`, `x_test`, `y_test`, or `x`, `y`),
        `"paired"` (`inputs_*`, `targets_*`) or `"unpaired"` (`a_*`, `b_*`).

    Example:

    >>> npz_layout(["inputs_train", "targets_train", "inputs_test", "targets_test"])
    'paired'
    """
    keys = set(keys)
    for layout in ("paired", "unpaired"):
        first, second = LAYOUTS[layout]
        if f"{first}_train" in keys and f"{second}_train" in keys:
            return layout
    if keys & {"x", "x_train", "x_test"}:
        return "labeled"
    raise ValueError(
        "Expected an .npz archive with x_train/y_train/x_test/y_test (or x/y), "
        "inputs_*/targets_* (paired) or a_*/b_* (unpaired) arrays. "
        f"Received: arrays {sorted(keys)}"
    )


def _fixed_split(count, split):
    order = np.random.default_rng(0).permutation(count)
    cut = count - int(round(count * TEST_FRACTION))
    return np.sort(order[:cut] if split == "train" else order[cut:])


def _labeled(arrays, split, source):
    if "x" in arrays and "x_train" not in arrays:
        x = check_images("x", arrays["x"], source)
        y = arrays.get("y")
        y = None if y is None else check_labels("y", y, len(x), source)
        if split != "all":
            rows = _fixed_split(len(x), split)
            warn_split(source, split, len(rows), len(x), TEST_FRACTION)
            x, y = x[rows], None if y is None else y[rows]
        return x, y
    parts = ("train", "test") if split == "all" else (split,)
    xs, ys = [], []
    for part in parts:
        if f"x_{part}" not in arrays:
            raise ValueError(f"Expected array 'x_{part}' in {source} for split={split!r}. "
                             f"Received: arrays {sorted(arrays)}")
        x = check_images(f"x_{part}", arrays[f"x_{part}"], source)
        y = arrays.get(f"y_{part}")
        xs.append(x)
        ys.append(None if y is None else check_labels(f"y_{part}", y, len(x), source))
    if len(xs) == 2 and xs[0].shape[1:] != xs[1].shape[1:]:
        raise ValueError(f"Expected x_train and x_test in {source} to share a sample shape. "
                         f"Received: {xs[0].shape} and {xs[1].shape}")
    x = np.concatenate(xs)
    y = None if any(v is None for v in ys) else np.concatenate(ys)
    return x, y


def _two_domains(arrays, layout, split, source):
    first, second = LAYOUTS[layout]
    parts = ("train", "test") if split == "all" else (split,)
    out = {first: [], second: []}
    for part in parts:
        for prefix in (first, second):
            key = f"{prefix}_{part}"
            if key not in arrays:
                raise ValueError(f"Expected array {key!r} in {source} for split={split!r}. "
                                 f"Received: arrays {sorted(arrays)}")
            images = check_images(key, arrays[key], source)
            if images.ndim != 4:
                raise ValueError(f"Expected {key!r} in {source} to hold images (N, H, W[, C]). "
                                 f"Received: shape {images.shape}")
            out[prefix].append(images)
    a, b = (np.concatenate(out[first]), np.concatenate(out[second]))
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(
            f"Expected {first}_* and {second}_* images in {source} to share size and channels. "
            f"Received: {first} images {a.shape[1:]} and {second} images {b.shape[1:]}"
        )
    if layout == "paired" and len(a) != len(b):
        raise ValueError(f"Expected as many inputs as targets in paired {source}. "
                         f"Received: {len(a)} inputs and {len(b)} targets")
    return a, b


def load_npz(path, split="train", scale="unit", flatten=False, limit=None, seed=0,
             value_range=None, threshold=0.5):
    """Loads an `.npz` archive as float32 arrays.

    Three layouts are recognised from the array names (see `npz_layout`):

    - labeled, like `keras.datasets.mnist`: `x_train`, `y_train`, `x_test`,
      `y_test` (labels optional), or a single `x` (and `y`) split 80/20 by a
      fixed permutation. Returns `(x, labels)` (`labels` is None without `y`).
    - paired, like `facades_128.npz`: `inputs_*`, `targets_*`. Returns
      `(inputs, targets)`, both scaled the same way.
    - unpaired, like `cyclegan_facades_128.npz`: `a_*`, `b_*`. Returns
      `(a, b)`; the two domains may hold different numbers of images.

    Args:
        path: the `.npz` file.
        split: `"train"`, `"test"` or `"all"` (both, concatenated).
        scale: `"unit"` ([0, 1]), `"signed"` ([-1, 1]), `"binary"`,
            `"stochastic_binary"` or `None` (values as stored).
        flatten: return (N, features) rows instead of (N, H, W, C) images.
        limit: keep a seeded random subset of at most this many samples
            (of each domain, for unpaired archives).
        seed: seed of `limit`'s subset and of the stochastic binarization.
        value_range: `(low, high)` the stored values lie in; by default
            integers are 0..255 pixels and floats lie in [0, 1] or [-1, 1].
        threshold: threshold for `scale="binary"`, on the [0, 1] scale.

    Returns:
        A pair of arrays as described above. Greyscale (N, H, W) images gain
        a channel axis; labels are int64 (N,).

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.npz")
    >>> np.savez(path, x_train=np.zeros((4, 3, 3), "uint8"), y_train=np.arange(4),
    ...          x_test=np.zeros((2, 3, 3), "uint8"), y_test=np.arange(2))
    >>> x, y = load_npz(path, split="all")
    >>> x.shape, y.tolist()
    ((6, 3, 3, 1), [0, 1, 2, 3, 0, 1])
    """
    check_split(split)
    check_scale(scale)
    check_limit(limit)
    check_seed(seed)
    path = _check_path(path)
    return load_arrays(_read(path), repr(os.path.basename(path)), split, scale, flatten, limit,
                       seed, value_range, threshold)


def load_arrays(arrays, source, split="train", scale="unit", flatten=False, limit=None, seed=0,
                value_range=None, threshold=0.5):
    """`load_npz` on a dict of arrays already in memory; `source` names it in errors."""
    check_split(split)
    check_scale(scale)
    limit = check_limit(limit)
    seed = check_seed(seed)
    layout = npz_layout(arrays)
    options = dict(scale=scale, flatten=flatten, seed=seed, value_range=value_range,
                   threshold=threshold)
    if layout == "labeled":
        x, y = _labeled(arrays, split, source)
        return finish(x, y, limit=limit, **options)
    a, b = _two_domains(arrays, layout, split, source)
    if layout == "paired":
        return finish(a, b, limit=limit, y_is_image=True, **options)
    rows = subset_indices(len(b), limit, seed + 1)
    b = b if rows is None else b[rows]
    a, _ = finish(a, None, limit=limit, **options)
    b, _ = finish(b, None, limit=None, **dict(options, seed=seed + 1))
    return a, b
