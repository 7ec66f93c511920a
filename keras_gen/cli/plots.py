"""Pictures the command line writes, sized for a screen whatever the image size."""

import numpy as np

from keras_gen.utils import save_image_grid

__all__ = ["picture_scale", "save_grid"]

# Each image is enlarged to about this many pixels a side (8x8 digits x7, MNIST x2),
# and never shrunk.
CELL_PIXELS = 56


def picture_scale(image_shape):
    """Integer enlargement that brings an image of `image_shape` to about `CELL_PIXELS`.

    Example:

    >>> picture_scale((8, 8)), picture_scale((28, 28, 1)), picture_scale((128, 128, 3))
    (7, 2, 1)
    """
    if not image_shape:
        return 1
    return max(1, int(round(CELL_PIXELS / max(int(size) for size in tuple(image_shape)[:2]))))


def save_grid(path, images, image_shape=None, value_range=(0.0, 1.0), columns=None):
    """Writes `images` as a PNG grid with a screen-sized scale; returns `path`."""
    images = np.asarray(images)
    shape = image_shape or images.shape[1:]
    return save_image_grid(path, images, columns=columns, value_range=value_range,
                           image_shape=image_shape, scale=picture_scale(shape))
