"""Pictures of a latent walk: a strip PNG and an animated GIF."""

import numpy as np

from keras_gen.utils import atomic_path
from keras_gen.utils import check_positive_int
from keras_gen.utils import save_image_strip
from keras_gen.utils.images import image_grid

__all__ = ["save_interpolation_gif", "save_interpolation_strip"]


def _frames(images):
    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) < 1:
        raise ValueError(
            "Expected images shaped (frames, H, W) or (frames, H, W, 1|3). "
            f"Received: images with shape {images.shape}"
        )
    return images


def save_interpolation_strip(path, images, value_range=(-1.0, 1.0), scale=2):
    """Writes the frames of an interpolation side by side as one PNG.

    Args:
        path: destination `.png`.
        images: generated frames `(frames, H, W[, C])`.
        value_range: range of the pixel values (a tanh generator: [-1, 1]).
        scale: integer upscaling.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> from PIL import Image
    >>> frames = np.linspace(-1, 1, 5)[:, None, None] * np.ones((5, 8, 8))  # dark to light
    >>> path = save_interpolation_strip(os.path.join(tempfile.mkdtemp(), "walk.png"), frames)
    >>> Image.open(path).size  # 5 tiles of 8 px, 1 px apart, upscaled 2x
    (92, 20)
    """
    return save_image_strip(path, _frames(images), value_range=value_range, scale=scale)


def save_interpolation_gif(path, images, value_range=(-1.0, 1.0), scale=4, duration_ms=120,
                           boomerang=True):
    """Writes the frames as an animated GIF (looping; back and forth by default).

    Args:
        path: destination `.gif`.
        images: generated frames `(frames, H, W[, C])`.
        value_range: range of the pixel values.
        scale: integer upscaling (nearest neighbour).
        duration_ms: display time of each frame.
        boomerang: play the frames forward then backward.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> from PIL import Image
    >>> frames = np.linspace(-1, 1, 5)[:, None, None] * np.ones((5, 8, 8))  # dark to light
    >>> path = save_interpolation_gif(os.path.join(tempfile.mkdtemp(), "walk.gif"), frames)
    >>> gif = Image.open(path)
    >>> gif.size, gif.n_frames  # 5 frames forward, 3 back: 1 2 3 4 5 4 3 2
    ((32, 32), 8)
    """
    from PIL import Image

    images = _frames(images)
    scale = check_positive_int("scale", scale)
    duration_ms = check_positive_int("duration_ms", duration_ms)
    frames = []
    for image in images:
        tile = image_grid(image[None], columns=1, value_range=value_range, padding=0)
        tile = tile.repeat(scale, axis=0).repeat(scale, axis=1)
        frames.append(Image.fromarray(tile[..., 0] if tile.shape[-1] == 1 else tile))
    if boomerang and len(frames) > 2:
        frames = frames + frames[-2:0:-1]
    with atomic_path(path, suffix=".gif") as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:],
                       duration=duration_ms, loop=0)
    return path
