"""Paired (Pix2Pix) and unpaired (CycleGAN) image data, and their augmentation."""

import os

import numpy as np

from keras_gen.data import image_pair_folders
from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import resolve_path
from keras_gen.data.loader_checks import subset_indices
from keras_gen.data.npz import _check_path
from keras_gen.data.npz import _read
from keras_gen.data.npz import load_arrays
from keras_gen.data.npz import npz_layout
from keras_gen.data.scaling import check_numeric

__all__ = ["load_paired", "load_unpaired", "random_jitter", "resize_images"]

# Isola et al. upscale 256 -> 286 before cropping back: the same ratio at other sizes.
JITTER_RATIO = 286 / 256


def _load_two(path, layout, limit, seed, image_size, crop, resample):
    check_limit(limit)
    check_seed(seed)
    try:
        resolved = resolve_path(path)
    except TypeError:
        resolved = path
    if isinstance(resolved, str) and os.path.isdir(resolved):
        return _folder(resolved, layout, limit, seed, image_size, crop, resample)
    path = _check_path(path)
    arrays = _read(path)
    found = npz_layout(arrays)
    if found != layout:
        names = {"paired": "inputs_*/targets_*", "unpaired": "a_*/b_*", "labeled": "x_*/y_*"}
        loaders = {"paired": "load_paired", "unpaired": "load_unpaired", "labeled": "load_npz"}
        raise ValueError(
            f"Expected {'an' if layout == 'unpaired' else 'a'} {layout} archive ({names[layout]} arrays). "
            f"Received: path={path!r}, "
            f"{'an' if found == 'unpaired' else 'a'} {found} archive ({names[found]}); "
            f"use `{loaders[found]}` for it"
        )
    source = repr(os.path.basename(path))
    splits = [load_arrays(arrays, source, split=split, scale="signed", limit=limit, seed=seed)
              for split in ("train", "test")]
    if image_size is not None or crop:
        splits = [tuple(_crop_and_resize(images, image_size, crop) for images in pair)
                  for pair in splits]
    return splits


def _crop_and_resize(images, image_size, crop):
    if crop:
        height, width = images.shape[1:3]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        images = images[:, top : top + side, left : left + side]
    if image_size is not None and _check_size("image_size", image_size) != images.shape[1:3]:
        images = resize_images(images, image_size)
    return images


def _signed(images, limit, seed):
    rows = subset_indices(len(images), limit, seed)
    images = images if rows is None else images[rows]
    return (images.astype("float32") / 127.5 - 1.0).astype("float32")


def _folder(folder, layout, limit, seed, image_size, crop, resample):
    splits = []
    for split in ("train", "test"):
        if layout == "paired":
            a, b, _ = image_pair_folders.read_paired_folder(folder, split, image_size, crop, resample)
            rows = subset_indices(len(a), limit, seed)
            a, b = (a, b) if rows is None else (a[rows], b[rows])
            splits.append((_signed(a, None, seed), _signed(b, None, seed)))
        else:
            a, b, _, _ = image_pair_folders.read_unpaired_folder(folder, split, image_size, crop,
                                                                 resample)
            splits.append((_signed(a, limit, seed), _signed(b, limit, seed + 1)))
    return splits


def load_paired(path, reverse=False, limit=None, seed=0, image_size=None, crop=False,
                resample="bicubic"):
    """Loads paired image-to-image data (Pix2Pix) with images in [-1, 1].

    `path` is an `.npz` archive or a folder. The archive holds
    `inputs_train`, `targets_train`, `inputs_test` and `targets_test`
    (N, H, W, C) arrays, `inputs[i]` paired with `targets[i]`, like
    `facades_128.npz` (label map -> photo). A folder holds `train/` and
    `test/` of aligned `AB` images (A left, B right: the inputs are the left
    halves), as in Pix2Pix's downloads, or two parallel folders `A/` and
    `B/` (each with `train/` and `test/`) whose files pair by name; see
    `keras_gen.data.image_pair_folders`. Both sides must share height,
    width and channels. A relative path may also be found under
    `$KERAS_GEN_DATA`.

    Args:
        path: the `.npz` file or the folder.
        reverse: translate the other way (targets -> inputs, e.g. photo ->
            label map; Pix2Pix's "BtoA").
        limit: keep a seeded random subset of at most this many pairs per split.
        seed: seed of that subset.
        image_size: `(height, width)` or one integer to resize to; a folder
            of images of several sizes needs one.
        crop: centre-crop to a square before resizing.
        resample: folders: `"nearest"`, `"bilinear"`, `"bicubic"` or
            `"lanczos"`, or a pair for the A and B sides (arrays are resized
            bilinearly).

    Returns:
        `((inputs_train, targets_train), (inputs_test, targets_test))`,
        float32 NHWC arrays in [-1, 1], like `keras.datasets` loaders.

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "pairs.npz")
    >>> labels, photos = np.zeros((6, 8, 8, 3), "uint8"), np.full((6, 8, 8, 3), 255, "uint8")
    >>> np.savez(path, inputs_train=labels[:4], targets_train=photos[:4],
    ...          inputs_test=labels[4:], targets_test=photos[4:])
    >>> (x_train, y_train), (x_test, y_test) = load_paired(path)
    >>> x_train.shape, x_test.shape, float(x_train.min()), float(y_train.max())
    ((4, 8, 8, 3), (2, 8, 8, 3), -1.0, 1.0)
    >>> (x_train, y_train), _ = load_paired(path, reverse=True)  # photo -> label map
    >>> float(x_train.min()), float(y_train.max())
    (1.0, -1.0)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017.
    """
    train, test = _load_two(path, "paired", limit, seed, image_size, crop, resample)
    if reverse:
        train, test = train[::-1], test[::-1]
    return tuple(train), tuple(test)


def load_unpaired(path, limit=None, seed=0, image_size=None, crop=False, resample="bicubic"):
    """Loads unpaired two-domain data (CycleGAN) with images in [-1, 1].

    `path` is an `.npz` archive holding `a_train`, `b_train`, `a_test` and
    `b_test` (N, H, W, C) arrays, like `cyclegan_facades_128.npz` (photos
    <-> label maps), or a folder with `trainA/`, `trainB/`, `testA/` and
    `testB/`, as in CycleGAN's downloads (without the test folders, a fixed
    80/20 split, with a warning). The two domains may hold different
    numbers of images but must share height, width and channels. A relative
    path may also be found under `$KERAS_GEN_DATA`.

    Args:
        path: the `.npz` file or the folder.
        limit: keep a seeded random subset of at most this many images per
            domain and split.
        seed: seed of that subset.
        image_size: `(height, width)` or one integer to resize to.
        crop: centre-crop to a square before resizing.
        resample: folders: the resampling filter, or a pair for A and B.

    Returns:
        `((a_train, b_train), (a_test, b_test))`, float32 NHWC arrays in [-1, 1].

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "domains.npz")
    >>> photos, labels = np.zeros((7, 8, 8, 3), "uint8"), np.zeros((5, 8, 8, 3), "uint8")
    >>> np.savez(path, a_train=photos[:5], b_train=labels[:3], a_test=photos[5:], b_test=labels[3:])
    >>> (a_train, b_train), (a_test, b_test) = load_unpaired(path)
    >>> a_train.shape, b_train.shape, a_test.dtype
    ((5, 8, 8, 3), (3, 8, 8, 3), dtype('float32'))

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """
    train, test = _load_two(path, "unpaired", limit, seed, image_size, crop, resample)
    return tuple(train), tuple(test)


def _interpolation(size_in, size_out):
    # Bilinear taps with half-pixel centres (as TF's and PIL's bilinear resize).
    centres = np.clip((np.arange(size_out) + 0.5) * (size_in / size_out) - 0.5, 0, size_in - 1)
    low = np.floor(centres).astype("int64")
    high = np.minimum(low + 1, size_in - 1)
    return low, high, (centres - low).astype("float32")


def _check_batch(name, images):
    array = check_numeric(name, images)
    if array.ndim != 4:
        raise ValueError(f"Expected `{name}` to be a batch of images (N, H, W, C). "
                         f"Received: {name} with shape {array.shape}")
    return array.astype("float32", copy=False)


def _check_size(name, size):
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (size, size)
    try:
        height, width = (int(v) for v in size)
        valid = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in size)
    except (TypeError, ValueError):
        valid = False
    if not valid or height < 1 or width < 1:
        raise ValueError(f"Expected `{name}` to be a positive integer or (height, width). "
                         f"Received: {name}={size!r}")
    return height, width


def resize_images(images, size):
    """Resizes a batch of images bilinearly, in NumPy (the same on every backend).

    Matches `keras.ops.image.resize(..., antialias=False)`: without
    antialiasing, shrinking by more than 2x skips pixels.

    Args:
        images: float array (N, H, W, C).
        size: `(height, width)` or one integer for both.

    Returns:
        A float32 array (N, height, width, C).

    Example:

    >>> resize_images(np.ones((2, 4, 4, 3)), 6).shape
    (2, 6, 6, 3)
    """
    images = _check_batch("images", images)
    height, width = _check_size("size", size)
    # Two taps per output pixel: gathers cost far less than dense matrix products.
    low, high, weight = _interpolation(images.shape[1], height)
    weight = weight[None, :, None, None]
    images = images[:, low] * (1 - weight) + images[:, high] * weight
    low, high, weight = _interpolation(images.shape[2], width)
    weight = weight[None, None, :, None]
    return (images[:, :, low] * (1 - weight) + images[:, :, high] * weight).astype("float32")


def random_jitter(*images, jitter_size=None, mirror=True, seed=0):
    """Random jitter and mirroring, the same for every array at each index.

    Each image is resized up to `jitter_size`, cropped back to its size at a
    random offset and, with `mirror`, flipped left-right with probability
    1/2. Pass both sides of a paired batch in one call so that a pair stays
    aligned; pass unpaired domains in separate calls.

    Args:
        *images: one or more float batches (N, H, W, C) of the same N, H and W.
        jitter_size: size to resize to before cropping, an integer or
            `(height, width)`; defaults to `round(size * 286 / 256)`
            (128 -> 143, 256 -> 286). Equal to the image size: no jitter.
        mirror: whether to flip at random.
        seed: integer seed or a `numpy.random.Generator`.

    Returns:
        The jittered batch, or a tuple of batches for several inputs.

    Example:

    >>> inputs, targets = np.zeros((2, 8, 8, 3)), np.ones((2, 8, 8, 3))
    >>> a, b = random_jitter(inputs, targets, seed=0)
    >>> a.shape, b.shape
    ((2, 8, 8, 3), (2, 8, 8, 3))

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017 (section 6.2).
    """
    if not images:
        raise ValueError("Expected at least one batch of images. Received: none")
    batches = [_check_batch(f"images[{i}]", batch) for i, batch in enumerate(images)]
    count, height, width = batches[0].shape[:3]
    for i, batch in enumerate(batches[1:], start=1):
        if batch.shape[:3] != (count, height, width):
            raise ValueError(
                "Expected every batch to share count, height and width (N, H, W). "
                f"Received: images[0] {batches[0].shape} and images[{i}] {batch.shape}"
            )
    if jitter_size is None:
        jitter_size = (int(round(height * JITTER_RATIO)), int(round(width * JITTER_RATIO)))
    big_height, big_width = _check_size("jitter_size", jitter_size)
    if big_height < height or big_width < width:
        raise ValueError(f"Expected `jitter_size` to be at least the image size ({height}, {width}). "
                         f"Received: jitter_size={jitter_size!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(check_seed(seed))
    tops = rng.integers(0, big_height - height + 1, size=count)
    lefts = rng.integers(0, big_width - width + 1, size=count)
    flips = rng.random(count) < 0.5 if mirror else np.zeros(count, bool)
    results = []
    for batch in batches:
        if (big_height, big_width) != (height, width):
            batch = resize_images(batch, (big_height, big_width))
        out = np.stack([batch[i, top : top + height, left : left + width] for i, (top, left) in
                        enumerate(zip(tops, lefts))])
        out[flips] = out[flips, :, ::-1]
        results.append(out)
    return results[0] if len(results) == 1 else tuple(results)
