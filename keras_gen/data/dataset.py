"""`load_dataset`: the one entry point every CLI command and example uses."""

import os

from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.data.loader_checks import resolve_path
from keras_gen.data.digits import load_digits
from keras_gen.data.image_folder import load_image_folder
from keras_gen.data.keras_datasets import KERAS_DATASETS
from keras_gen.data.keras_datasets import load_keras_dataset
from keras_gen.data.npz import load_npz

__all__ = ["DATASET_NAMES", "load_dataset"]

DATASET_NAMES = ("digits",) + KERAS_DATASETS


def load_dataset(name_or_path, split="train", scale="unit", flatten=False, limit=None, seed=0,
                 threshold=0.5, data_dir=None, image_size=None, color_mode="rgb",
                 value_range=None, download=True):
    """Loads a dataset by name or path as float32 arrays `(x, y)`.

    What `--data` accepts on the command line:

    - `"digits"`: scikit-learn's embedded 8x8 digits (no download);
    - `"mnist"`, `"fashion_mnist"`, `"cifar10"`, `"cifar100"`: read from
      `<data_dir or $KERAS_GEN_DATA>/<name>.npz` when that file exists,
      otherwise downloaded by `keras.datasets`;
    - a path to an `.npz` archive: MNIST-like (`x_train`, `y_train`, ...),
      paired (`inputs_*`, `targets_*`) or unpaired (`a_*`, `b_*`);
    - a path to a folder of images (class labels from subfolders).

    A relative path that does not exist is looked up in `$KERAS_GEN_DATA`.
    Data without a split of its own (a folder without `train/`/`test/`, an
    archive with only `x`) is split 80/20 by a fixed permutation, and a
    `UserWarning` says so.

    Images come back NHWC, `(N, H, W, C)` (greyscale gets `C = 1`), or as
    `(N, H*W*C)` rows with `flatten=True`.

    Args:
        name_or_path: a name from `DATASET_NAMES`, an `.npz` file or a folder.
        split: `"train"`, `"test"` or `"all"`.
        scale: `"unit"` ([0, 1]), `"signed"` ([-1, 1], for `tanh` outputs),
            `"binary"` (fixed threshold), `"stochastic_binary"` (one seeded
            Bernoulli draw) or `None` (values as stored). For a new draw each
            epoch, wrap unit-scaled data in `DynamicBinarizationDataset`.
        flatten: return rows for dense models instead of images.
        limit: keep a seeded random subset of at most this many samples.
        seed: seed of `limit`'s subset and of the stochastic binarization.
        threshold: threshold for `scale="binary"`, on the [0, 1] scale.
        data_dir: folder of local `.npz` copies for the `keras.datasets` names.
        image_size: `(height, width)` to resize image-folder images to.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`, for image folders.
        value_range: `(low, high)` of the values stored in an `.npz`; by
            default integers are 0..255 pixels and floats lie in [0, 1] or [-1, 1].
        download: allow `keras.datasets` to download when there is no local copy.

    Returns:
        `(x, y)`: float32 data and int64 class labels (or `None` when the
        data has none). For a paired archive `y` holds the target images, and
        for an unpaired one the second domain (scaled like `x`).

    Example:

    >>> x, y = load_dataset("digits", split="test", scale="binary", flatten=True)
    >>> x.shape, y.shape, sorted(set(x.ravel().tolist()))
    ((360, 64), (360,), [0.0, 1.0])
    """
    check_split(split)
    check_scale(scale)
    check_limit(limit)
    check_seed(seed)
    options = dict(split=split, scale=scale, flatten=flatten, limit=limit, seed=seed,
                   threshold=threshold)
    if isinstance(name_or_path, str) and name_or_path.lower() in DATASET_NAMES and not os.path.exists(
        name_or_path
    ):
        name = name_or_path.lower()
        if name == "digits":
            return load_digits(**options)
        return load_keras_dataset(name, data_dir=data_dir, download=download, **options)
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ValueError(f"Expected `name_or_path` to be one of {DATASET_NAMES} or a path. "
                         f"Received: name_or_path={name_or_path!r}")
    path = resolve_path(name_or_path)
    if os.path.isdir(path):
        return load_image_folder(path, image_size=image_size, color_mode=color_mode, **options)
    if os.path.isfile(path):
        if not path.lower().endswith(".npz"):
            raise ValueError(f"Expected `name_or_path` to be an .npz file or an image folder. "
                             f"Received: name_or_path={path!r}")
        return load_npz(path, value_range=value_range, **options)
    raise ValueError(
        f"Expected `name_or_path` to be one of {DATASET_NAMES}, an existing .npz file or an "
        f"image folder. Received: name_or_path={path!r} (no such dataset, file or folder)"
    )
