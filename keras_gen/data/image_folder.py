"""Folders of image files, with class labels taken from subfolder names."""

import os

import numpy as np

from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.data.loader_checks import finish
from keras_gen.data.loader_checks import resolve_path
from keras_gen.data.loader_checks import subset_indices
from keras_gen.data.loader_checks import warn_split

__all__ = ["IMAGE_EXTENSIONS", "load_image_folder"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
TEST_FRACTION = 0.2


def _image_files(folder):
    return sorted(
        name for name in os.listdir(folder)
        if name.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, name))
    )


def _check_image_size(image_size):
    if image_size is None:
        return None
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    try:
        height, width = image_size
        valid = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1
                    for v in (height, width))
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError("Expected `image_size` to be None, an integer or (height, width) of "
                         f"positive integers. Received: image_size={image_size!r}")
    return int(height), int(width)


def list_image_files(path):
    """Lists `(file, label)` pairs and the class names of an image folder."""
    entries = sorted(os.listdir(path))
    class_names = [name for name in entries if os.path.isdir(os.path.join(path, name))
                   and _image_files(os.path.join(path, name))]
    loose = _image_files(path)
    if class_names and loose:
        raise ValueError(
            "Expected `path` to hold either image files or class subfolders, not both. "
            f"Received: path={path!r} with {len(loose)} images and subfolders {class_names}"
        )
    if class_names:
        files = [(os.path.join(path, name, file), label)
                 for label, name in enumerate(class_names)
                 for file in _image_files(os.path.join(path, name))]
    else:
        files = [(os.path.join(path, file), None) for file in loose]
    if not files:
        raise ValueError(f"Expected `path` to contain image files ({', '.join(IMAGE_EXTENSIONS)}) "
                         f"directly or in class subfolders. Received: path={path!r} (none found)")
    return files, class_names


def load_image_folder(path, image_size=None, color_mode="rgb", split="all", scale="unit",
                      flatten=False, limit=None, seed=0, threshold=0.5,
                      return_class_names=False):
    """Loads every image of a folder, like `keras.utils.image_dataset_from_directory`.

    With subfolders, each subfolder is a class and labels are their indices
    in alphabetical order (Keras's `labels="inferred"`); with image files
    directly in `path`, there are no labels.

    Args:
        path: the folder (a relative path may also be found under
            `$KERAS_GEN_DATA`).
        image_size: `(height, width)` (or one integer) to resize every image
            to, bilinearly; `None` requires all images to share one size.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
        split: `"all"`, `"train"` or `"test"`. When `path` has `train/` (and
            `test/`) subfolders they are the splits; otherwise `"train"` and
            `"test"` are a fixed 80/20 split of the images, and a
            `UserWarning` says so.
        scale: `"unit"`, `"signed"`, `"binary"`, `"stochastic_binary"` or `None`
            (0..255 values).
        flatten: return (N, features) rows instead of (N, H, W, C) images.
        limit: keep a seeded random subset of at most this many images
            (chosen before decoding, so big folders stay cheap).
        seed: seed of `limit`'s subset and of the stochastic binarization.
        threshold: threshold for `scale="binary"`, on the [0, 1] scale.
        return_class_names: also return the class names.

    Returns:
        `(x, y)` or `(x, y, class_names)`: float32 images (N, H, W, C),
        int64 labels (N,) or `None` without subfolders, and the names.

    Example:

    >>> import os, tempfile
    >>> from PIL import Image
    >>> root = tempfile.mkdtemp()
    >>> for label in ("cat", "dog"):
    ...     os.makedirs(os.path.join(root, label))
    ...     Image.new("RGB", (5, 4)).save(os.path.join(root, label, "0.png"))
    >>> x, y, names = load_image_folder(root, return_class_names=True)
    >>> x.shape, y.tolist(), names
    ((2, 4, 5, 3), [0, 1], ['cat', 'dog'])
    """
    from PIL import Image

    if isinstance(path, (str, os.PathLike)):
        path = resolve_path(path)
    if not isinstance(path, str) or not os.path.isdir(path):
        raise ValueError(f"Expected `path` to be an existing folder. Received: path={path!r}")
    size = _check_image_size(image_size)
    if color_mode not in COLOR_MODES:
        raise ValueError(f"Expected `color_mode` to be one of {tuple(COLOR_MODES)}. "
                         f"Received: color_mode={color_mode!r}")
    check_split(split)
    check_scale(scale)
    limit = check_limit(limit)
    seed = check_seed(seed)
    split_folders = {part: os.path.join(path, part) for part in ("train", "test")
                     if os.path.isdir(os.path.join(path, part))}
    if "train" in split_folders:
        # A train/ (and test/) layout: the folders are the split, not two classes.
        parts = ("train", "test") if split == "all" else (split,)
        files, class_names = [], None
        for part in parts:
            if part not in split_folders:
                raise ValueError(f"Expected a {part!r} subfolder in {path!r} for split={split!r}. "
                                 f"Received: subfolders {sorted(split_folders)}")
            part_files, part_names = list_image_files(split_folders[part])
            if class_names is not None and part_names != class_names:
                raise ValueError(f"Expected the same class subfolders in train/ and test/ of "
                                 f"{path!r}. Received: {class_names} and {part_names}")
            files, class_names = files + part_files, part_names
    else:
        files, class_names = list_image_files(path)
    if split != "all" and "train" not in split_folders:
        order = np.random.default_rng(0).permutation(len(files))
        cut = len(files) - int(round(len(files) * TEST_FRACTION))
        rows = np.sort(order[:cut] if split == "train" else order[cut:])
        warn_split(repr(path), split, len(rows), len(files), TEST_FRACTION)
        files = [files[i] for i in rows]
        if not files:
            raise ValueError(f"Expected images in split={split!r} of {path!r}. Received: none "
                             "(too few images to split)")
    rows = subset_indices(len(files), limit, seed)
    if rows is not None:
        files = [files[i] for i in rows]
    images = []
    for file, _ in files:
        try:
            with Image.open(file) as picture:
                picture = picture.convert(COLOR_MODES[color_mode])
                if size is not None and picture.size != (size[1], size[0]):
                    picture = picture.resize((size[1], size[0]), Image.BILINEAR)
                images.append(np.asarray(picture, dtype="uint8"))
        except OSError as error:
            raise ValueError(f"Expected readable images in `path`. Received: {file!r} ({error})") from None
    shapes = sorted({image.shape for image in images})
    if len(shapes) > 1:
        raise ValueError(f"Expected images of one size in {path!r}, or an `image_size` to "
                         f"resize them to. Received: image_size=None and sizes {shapes[:4]}")
    x = np.stack(images)
    if x.ndim == 3:
        x = x[..., None]
    y = None if not class_names else np.array([label for _, label in files], dtype="int64")
    x, y = finish(x, y, scale=scale, flatten=flatten, limit=None, seed=seed,
                  value_range=(0.0, 255.0), threshold=threshold)
    return (x, y, class_names) if return_class_names else (x, y)
