"""PNG grids and strips of images: what people look at after training."""

import numpy as np

from keras_gen.utils.files import atomic_path


def _to_uint8(images, value_range):
    images = np.asarray(images, dtype="float32")
    low, high = value_range
    images = (images - low) / float(high - low)
    return (np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype("uint8")


def _as_nhwc(images, image_shape):
    images = np.asarray(images)
    if image_shape is not None:
        images = images.reshape((images.shape[0],) + tuple(image_shape))
    if images.ndim == 2:  # flat vectors: assume square greyscale
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                "Expected flat images with a square number of pixels or an "
                f"`image_shape`. Received: images with shape {images.shape}"
            )
        images = images.reshape((-1, side, side))
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Expected images shaped (N, H, W), (N, H, W, 1|3) or (N, H*W). "
            f"Received: images with shape {images.shape}"
        )
    return images


def image_grid(images, columns=None, value_range=(0.0, 1.0), image_shape=None, padding=1):
    """Tiles a batch of images into one uint8 picture.

    Args:
        images: array (N, H, W), (N, H, W, C) or flat (N, H*W).
        columns: images per row; defaults to a near-square layout.
        value_range: the range of the values, mapped to 0..255.
        image_shape: reshape each flat row to this shape first.
        padding: pixels between tiles.

    Returns:
        A uint8 array (rows, cols, C).

    Example:

    >>> image_grid(np.zeros((6, 8, 8)), columns=3).shape
    (19, 28, 1)
    """
    images = _to_uint8(_as_nhwc(images, image_shape), value_range)
    count, height, width, channels = images.shape
    if count == 0:
        raise ValueError("Expected at least one image. Received: images with 0 samples")
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    grid = np.full(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        255,
        dtype="uint8",
    )
    for index in range(count):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = images[index]
    return grid


def save_image_grid(path, images, columns=None, value_range=(0.0, 1.0), image_shape=None, scale=1):
    """Writes `image_grid(images)` to a PNG file, atomically.

    Args:
        path: destination `.png` path; its folder must exist.
        images: see `image_grid`.
        columns: images per row.
        value_range: the range of the values.
        image_shape: reshape flat rows to this shape first.
        scale: integer upscaling factor (nearest neighbour) for small images.

    Returns:
        `path`.

    Example:

    >>> import tempfile, os
    >>> p = save_image_grid(os.path.join(tempfile.mkdtemp(), "g.png"), np.zeros((4, 8, 8)))
    """
    from PIL import Image

    grid = image_grid(images, columns, value_range, image_shape)
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    picture = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    with atomic_path(path, suffix=".png") as tmp:
        picture.save(tmp, format="PNG")
    return path


def save_image_strip(path, images, value_range=(0.0, 1.0), image_shape=None, scale=1):
    """Writes the images side by side in one row (e.g. a latent interpolation).

    Example:

    >>> import tempfile, os
    >>> p = save_image_strip(os.path.join(tempfile.mkdtemp(), "s.png"), np.zeros((5, 8, 8)))
    """
    count = np.asarray(images).shape[0]
    return save_image_grid(path, images, count, value_range, image_shape, scale)
