"""Image-to-image data from folders, in the layouts the public datasets use.

- unpaired (CycleGAN): `trainA/`, `trainB/`, `testA/`, `testB/`;
- paired, aligned (Pix2Pix): `train/`, `test/` holding `AB` images, the
  source A on the left half and its target B on the right;
- paired, parallel: `A/train/`, `A/test/`, `B/train/`, `B/test/` (Pix2Pix's
  `combine_A_and_B.py` input), or `trainA/`, `trainB/`, ... whose files pair
  by name.

Files are read in natural order (`2.png` before `10.png`). Without test
folders the images are split 80/20 by a fixed permutation, and a warning
says so. The readers return `uint8` arrays and the file names;
`load_paired` and `load_unpaired` scale them to [-1, 1].
"""

import os
import re

import numpy as np

from keras_gen.data.image_folder import COLOR_MODES
from keras_gen.data.image_folder import IMAGE_EXTENSIONS
from keras_gen.data.loader_checks import warn_split

__all__ = ["RESAMPLING", "folder_layout", "read_paired_folder", "read_unpaired_folder"]

RESAMPLING = ("nearest", "bilinear", "bicubic", "lanczos")
TEST_FRACTION = 0.2


def _natural_key(name):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def image_files(folder):
    """The image files of `folder` in natural order."""
    names = [name for name in os.listdir(folder) if name.lower().endswith(IMAGE_EXTENSIONS)
             and os.path.isfile(os.path.join(folder, name))]
    return sorted(names, key=_natural_key)


def folder_layout(folder):
    """`"unpaired"` (trainA/trainB), `"parallel"` (A/ and B/) or `"aligned"` (AB images).

    Raises a `ValueError` naming what is missing when `folder` is none of them.
    """
    has = lambda name: os.path.isdir(os.path.join(folder, name))  # noqa: E731
    if has("trainA") or has("trainB"):
        for name in ("trainA", "trainB"):
            if not has(name):
                raise ValueError(f"Expected `{name}/` next to the other domain's folder. "
                                 f"Received: path={os.path.join(folder, name)!r} (missing)")
        return "unpaired"
    if has("A") or has("B"):
        for name in ("A", "B"):
            if not has(name):
                raise ValueError(f"Expected `{name}/` beside the other side's folder. "
                                 f"Received: path={os.path.join(folder, name)!r} (missing)")
        return "parallel"
    if has("train") or image_files(folder):
        return "aligned"
    raise ValueError(
        "Expected an image-to-image folder: trainA/ trainB/ [testA/ testB/] (unpaired), "
        "train/ [test/] of side-by-side AB images, or A/ B/ (paired). "
        f"Received: path={folder!r}"
    )


def _check_options(image_size, crop, resample, color_mode):
    if image_size is not None:
        if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
            image_size = (int(image_size), int(image_size))
        try:
            height, width = (int(v) for v in image_size)
        except (TypeError, ValueError):
            height = width = 0
        if height < 1 or width < 1:
            raise ValueError("Expected `image_size` to be None, a positive integer or (height, "
                             f"width). Received: image_size={image_size!r}")
        image_size = (height, width)
    if not isinstance(crop, bool):
        raise ValueError(f"Expected `crop` to be True or False. Received: crop={crop!r}")
    names = resample if isinstance(resample, (tuple, list)) else (resample, resample)
    if len(names) != 2 or any(name not in RESAMPLING for name in names):
        raise ValueError(f"Expected `resample` to be one of {RESAMPLING} or a pair of them. "
                         f"Received: resample={resample!r}")
    if color_mode not in COLOR_MODES:
        raise ValueError(f"Expected `color_mode` to be one of {tuple(COLOR_MODES)}. "
                         f"Received: color_mode={color_mode!r}")
    return image_size, tuple(names)


def _open(path, color_mode):
    from PIL import Image

    try:
        with Image.open(path) as picture:
            return picture.convert(COLOR_MODES[color_mode])
    except OSError as error:
        raise ValueError(f"Expected readable images. Received: {path!r} ({error})") from None


def _finish(picture, image_size, crop, resample):
    from PIL import Image

    if crop:
        side = min(picture.size)
        left, top = (picture.size[0] - side) // 2, (picture.size[1] - side) // 2
        picture = picture.crop((left, top, left + side, top + side))
    if image_size is not None and picture.size != (image_size[1], image_size[0]):
        filters = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR,
                   "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}
        picture = picture.resize((image_size[1], image_size[0]), filters[resample])
    array = np.asarray(picture, dtype="uint8")
    return array[..., None] if array.ndim == 2 else array


def _stack(images, files, folder, image_size):
    shapes = {}
    for image, file in zip(images, files):
        shapes.setdefault(image.shape, file)
    if len(shapes) > 1:
        seen = ", ".join(f"{shape[1]}x{shape[0]} ({os.path.basename(file)})"
                         for shape, file in list(shapes.items())[:3])
        raise ValueError(f"Expected images of one size in {folder!r}, or an `image_size` to "
                         f"resize them to. Received: image_size={image_size!r} and sizes {seen}")
    return np.stack(images)


def _split_names(names, split, folder):
    """Rows of the fixed 80/20 split of `names` (when a folder has no test part)."""
    order = np.random.default_rng(0).permutation(len(names))
    cut = len(names) - int(round(len(names) * TEST_FRACTION))
    rows = np.sort(order[:cut] if split == "train" else order[cut:])
    warn_split(repr(folder), split, len(rows), len(names), TEST_FRACTION)
    if not len(rows):
        raise ValueError(f"Expected enough images in {folder!r} to split off a test set. "
                         f"Received: {len(names)} images")
    return [names[i] for i in rows]


def _split_folder(folder, part, split):
    """The folder of `split` (`train`/`test` + part), and whether it is split off train."""
    path = os.path.join(folder, f"{split}{part}")
    if os.path.isdir(path):
        return path, False
    if split == "test" and os.path.isdir(os.path.join(folder, f"train{part}")):
        return os.path.join(folder, f"train{part}"), True
    raise ValueError(f"Expected a `{split}{part}/` folder. Received: path={path!r} (missing)")


def _files_of(folder, split, part=""):
    path, split_off = _split_folder(folder, part, split)
    names = image_files(path)
    if not names:
        raise ValueError(f"Expected image files ({', '.join(IMAGE_EXTENSIONS)}) in {path!r}. "
                         "Received: none")
    sibling = os.path.join(folder, f"test{part}")
    if split_off or (split == "train" and not os.path.isdir(sibling)):
        names = _split_names(names, split, path)
    return path, names


def read_unpaired_folder(folder, split="train", image_size=None, crop=False, resample="bicubic",
                         color_mode="rgb"):
    """Reads one split of a `trainA/ trainB/ testA/ testB/` folder.

    Args:
        folder: the dataset folder.
        split: `"train"` or `"test"` (without testA/testB: a fixed 80/20 split).
        image_size: `(height, width)` or one integer to resize to; `None`
            requires one size throughout.
        crop: centre-crop each image to a square first.
        resample: `"nearest"`, `"bilinear"`, `"bicubic"` or `"lanczos"`, or
            a pair for domains A and B.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`.

    Returns:
        `(a, b, names_a, names_b)`: uint8 images (N, H, W, C) and file names.
    """
    image_size, resample = _check_options(image_size, crop, resample, color_mode)
    out = []
    for part, method in zip("AB", resample):
        path, names = _files_of(folder, split, part)
        files = [os.path.join(path, name) for name in names]
        images = [_finish(_open(file, color_mode), image_size, crop, method) for file in files]
        out.append((_stack(images, files, folder, image_size), names))
    (a, names_a), (b, names_b) = out
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"Expected domains A and B of {folder!r} to share a size. Received: "
                         f"A images {a.shape[1:]} and B images {b.shape[1:]} (pass an image_size)")
    return a, b, names_a, names_b


def _listing(folder, split):
    """Files of `split` in `folder`: its train/ and test/ subfolders, or the images in it."""
    if os.path.isdir(os.path.join(folder, "train")):
        return _files_of(folder, split)
    names = image_files(folder)
    if not names:
        raise ValueError(f"Expected image files ({', '.join(IMAGE_EXTENSIONS)}) or train/ and "
                         f"test/ folders in {folder!r}. Received: none")
    return folder, _split_names(names, split, folder)


def _aligned(folder, split, image_size, crop, resample, color_mode):
    path, names = _listing(folder, split)
    lefts, rights = [], []
    for name in names:
        file = os.path.join(path, name)
        picture = _open(file, color_mode)
        width, height = picture.size
        if width % 2:
            raise ValueError(f"Expected aligned AB images of even width (A left, B right). "
                             f"Received: {file!r} of width {width}")
        half = width // 2
        lefts.append(_finish(picture.crop((0, 0, half, height)), image_size, crop, resample[0]))
        rights.append(_finish(picture.crop((half, 0, width, height)), image_size, crop, resample[1]))
    files = [os.path.join(path, name) for name in names]
    return _stack(lefts, files, folder, image_size), _stack(rights, files, folder, image_size), names


def _parallel(folder, split, image_size, crop, resample, color_mode, layout):
    sides = [_listing(os.path.join(folder, part), split) if layout == "parallel"
             else _files_of(folder, split, part) for part in "AB"]
    (path_a, names_a), (path_b, names_b) = sides
    unmatched = sorted(set(names_a) ^ set(names_b), key=_natural_key)
    if unmatched:
        raise ValueError(f"Expected the files of {path_a!r} and {path_b!r} to pair by name. "
                         f"Received: {len(unmatched)} without a partner, e.g. {unmatched[:3]}")
    images = []
    for (path, _), method in zip(sides, resample):
        files = [os.path.join(path, name) for name in names_a]
        images.append(_stack([_finish(_open(file, color_mode), image_size, crop, method)
                              for file in files], files, path, image_size))
    return images[0], images[1], names_a


def read_paired_folder(folder, split="train", image_size=None, crop=False, resample="bicubic",
                       color_mode="rgb"):
    """Reads one split of a paired folder: aligned `AB` images or two parallel folders.

    Args:
        folder: the dataset folder (see the module docstring for layouts).
        split: `"train"` or `"test"` (without a test folder: a fixed 80/20 split).
        image_size: `(height, width)` or one integer to resize each side to.
        crop: centre-crop each side to a square first.
        resample: one resampling filter, or a pair for the A and B sides
            (label maps keep their colours with `"nearest"`).
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`.

    Returns:
        `(a, b, names)`: uint8 images (N, H, W, C) of both sides and the
        file names, `a[i]` paired with `b[i]`.
    """
    image_size, resample = _check_options(image_size, crop, resample, color_mode)
    if split not in ("train", "test"):
        raise ValueError(f"Expected `split` to be 'train' or 'test'. Received: split={split!r}")
    layout = folder_layout(folder)
    if layout == "aligned":
        return _aligned(folder, split, image_size, crop, resample, color_mode)
    return _parallel(folder, split, image_size, crop, resample, color_mode, layout)
