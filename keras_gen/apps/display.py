"""Turning model outputs into pictures people can see, and guarding handlers."""

import functools
import io
import logging

import gradio as gr
import numpy as np
from PIL import Image

__all__ = ["WORKERS", "to_unit", "grid", "strip", "gif_bytes", "guarded", "latent_noise"]

LOG = logging.getLogger("keras_gen.apps")
# Every handler of every tab runs in this one pool of workers (its size is the
# launcher's concurrency limit): Gradio's default is a pool per handler, which
# with ~24 handlers let dozens run at once and starve the server's event loop.
WORKERS = "models"
# Tiles are enlarged (nearest neighbour) to at least this many pixels a side,
# so 8x8 digits are visible.
MIN_TILE = 64


def to_unit(images, value_range):
    """Maps images from `value_range` (None: min..max of the batch) to [0, 1]."""
    images = np.asarray(images, dtype="float32")
    if value_range is None:
        low, high = float(images.min()), float(images.max())
    else:
        low, high = (float(v) for v in value_range)
    return np.clip((images - low) / max(high - low, 1e-8), 0.0, 1.0)


def _nhwc(images, image_shape):
    images = np.asarray(images)
    if images.ndim == 2:
        images = images.reshape((len(images),) + tuple(image_shape))
    if images.ndim == 3:
        images = images[..., None]
    return images


def grid(images, value_range=None, image_shape=None, columns=None, min_tile=MIN_TILE):
    """A uint8 grid picture of a batch (flat rows need `image_shape`)."""
    from keras_gen.utils import image_grid

    images = _nhwc(to_unit(images, value_range), image_shape)
    scale = max(1, int(np.ceil(min_tile / max(images.shape[1], 1))))
    if scale > 1:
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    picture = image_grid(images, columns=columns, value_range=(0.0, 1.0), padding=2)
    return picture[..., 0] if picture.shape[-1] == 1 else picture


def strip(images, value_range=None, image_shape=None, min_tile=MIN_TILE):
    """One row of images (an interpolation, a chain)."""
    return grid(images, value_range, image_shape, columns=len(images), min_tile=min_tile)


def gif_bytes(images, value_range=None, image_shape=None, duration_ms=120, min_tile=128):
    """The frames as a looping GIF (there and back), as bytes: the `Picture` output
    stores it once per content, so no temporary file is left behind."""
    frames = [grid(image[None], value_range, image_shape, min_tile=min_tile) for image in images]
    frames = [Image.fromarray(frame) for frame in frames + frames[-2:0:-1]]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0)
    return buffer.getvalue()


def latent_noise(seed, artifact, name):
    """The latent vector of integer `seed` for input `name` of an artifact.

    One vector per seed (not one batch per seed), so seed 7 is the same
    picture in a grid, an interpolation and an arithmetic group.
    """
    spec = artifact.inputs[name]
    size = int(np.prod(spec["shape"][1:]))
    rng = np.random.default_rng(int(seed))
    if spec.get("distribution") == "uniform":
        low, high = spec.get("range") or (-1.0, 1.0)
        return rng.uniform(low, high, size).astype("float32")
    return rng.standard_normal(size).astype("float32")


def guarded(function):
    """Handlers raise `gr.Error` for bad input; anything else is logged with
    its traceback on the server and shown to the user as one readable line."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as error:  # the app must keep serving
            LOG.exception("handler %s failed", function.__name__)
            raise gr.Error(f"Something went wrong: {type(error).__name__}: {str(error)[:200]}") from error

    return wrapper
