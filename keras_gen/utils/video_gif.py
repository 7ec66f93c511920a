"""Animated GIFs of videos side by side, and colour pictures of label maps."""

import numpy as np

from keras_gen.utils.files import atomic_path
from keras_gen.utils.images import image_grid
from keras_gen.utils.validation import check_positive_int

__all__ = ["color_maps", "save_video_gif"]


def color_maps(maps, num_classes):
    """RGB pictures in [-1, 1] of integer label maps: black background (class 0), one hue per class.

    Args:
        maps: integer class ids `(..., H, W)`.
        num_classes: number of classes.

    Returns:
        float32 `(..., H, W, 3)` in [-1, 1].

    Example:

    >>> color_maps(np.array([[0, 1]]), 3)[0, :, 0].tolist()  # black, then class 1's red
    [-1.0, 1.0]
    """
    import colorsys

    hues = [colorsys.hsv_to_rgb(i / max(num_classes - 1, 1), 0.8, 1.0)
            for i in range(num_classes - 1)]
    palette = np.array([(0.0, 0.0, 0.0)] + hues, "float32") * 2.0 - 1.0
    return palette[np.clip(np.asarray(maps), 0, num_classes - 1)]


def save_video_gif(path, videos, rows=1, value_range=(-1.0, 1.0), scale=2, duration_ms=150):
    """Writes videos side by side as one looping animated GIF.

    Args:
        path: destination `.gif`; its folder must exist.
        videos: a list of videos `(T, H, W[, C])` of the same length and size
            (greyscale ones are shown in grey next to colour ones).
        rows: rows of the layout (videos fill it row by row).
        value_range: range of the pixel values.
        scale: integer upscaling (nearest neighbour).
        duration_ms: display time of each frame.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> from PIL import Image
    >>> ramp = np.linspace(-1, 1, 4)[:, None, None] * np.ones((4, 8, 8))  # dark to light
    >>> path = save_video_gif(os.path.join(tempfile.mkdtemp(), "v.gif"), [ramp, -ramp])
    >>> gif = Image.open(path)
    >>> gif.size, gif.n_frames  # two 8 px videos, 1 px apart and around, upscaled 2x
    ((38, 20), 4)
    """
    from PIL import Image

    videos = [np.asarray(video, "float32") for video in videos]
    shapes = {video.shape[:3] for video in videos}
    if not videos or len(shapes) != 1 or videos[0].ndim not in (3, 4):
        raise ValueError(
            "Expected a list of videos (T, H, W[, C]) of one length and size. Received: "
            f"shapes {[video.shape for video in videos]}")
    rows = check_positive_int("rows", rows)
    scale = check_positive_int("scale", scale)
    duration_ms = check_positive_int("duration_ms", duration_ms)
    videos = [video[..., None] if video.ndim == 3 else video for video in videos]
    if any(video.shape[-1] == 3 for video in videos):
        videos = [np.repeat(video, 3, -1) if video.shape[-1] == 1 else video for video in videos]
    columns = int(np.ceil(len(videos) / rows))
    frames = []
    for t in range(videos[0].shape[0]):
        tile = image_grid(np.stack([video[t] for video in videos]), columns, value_range)
        tile = tile.repeat(scale, axis=0).repeat(scale, axis=1)
        frames.append(Image.fromarray(tile[..., 0] if tile.shape[-1] == 1 else tile))
    with atomic_path(path, suffix=".gif") as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:],
                       duration=duration_ms, loop=0)
    return path
