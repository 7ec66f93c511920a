"""Input sanitizing for the apps: every user value is converted or rejected
with a readable `gr.Error`, never a stack trace.

Images arrive as file paths (uploads), PIL images, NumPy arrays or the dict
of an image editor / sketchpad (`background`, `layers`, `composite`). They
are opened lazily so that a huge upload is rejected from its header before
its pixels are decoded.
"""

import math
import os

import gradio as gr
import numpy as np
from PIL import Image

__all__ = [
    "MAX_UPLOAD_PIXELS",
    "MAX_FILE_SIZE",
    "Number",
    "ImageUpload",
    "open_image",
    "to_model_image",
    "sketch_ink",
    "parse_int",
    "parse_float",
    "parse_int_list",
]

# 4000 x 4000 photos are accepted and shrunk; beyond this the pixels would
# not fit comfortably in memory on a small demo host.
MAX_UPLOAD_PIXELS = 40_000_000
# Gradio refuses bigger uploads before they reach a handler.
MAX_FILE_SIZE = "20mb"


class Number(gr.Number):
    """`gr.Number` whose API preprocessing turns non-numbers into a readable error.

    The browser cannot send text from a number field (it sends nothing), but
    an API client can: `float("abc")` inside Gradio would otherwise surface as
    an opaque exception.
    """

    is_template = True  # reuse gr.Number's front end

    def preprocess(self, payload):
        if payload is None or (isinstance(payload, str) and not payload.strip()):
            return None
        try:
            value = float(payload)
        except (TypeError, ValueError):
            raise gr.Error(f"{self.label or 'This field'} must be a number, not {str(payload)[:40]!r}.")
        if not math.isfinite(value):
            raise gr.Error(f"{self.label or 'This field'} must be a finite number, not {payload!r}.")
        return super().preprocess(value)


class ImageUpload(gr.Image):
    """`gr.Image` for uploads: hands the handler the file path untouched
    (`open_image` checks it), and words an unreadable file as a message."""

    is_template = True  # reuse gr.Image's front end

    def __init__(self, *args, **kwargs):
        kwargs.update(type="filepath", image_mode=None)
        kwargs.setdefault("sources", ["upload", "clipboard"])
        super().__init__(*args, **kwargs)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:
            raise gr.Error(f"The {self.label or 'upload'} is not an image that can be read "
                           "(PNG, JPEG, GIF, BMP, WebP...).")


def parse_int(value, name, low=None, high=None, default=None):
    """Returns `value` as an int in [low, high]; `gr.Error` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise gr.Error(f"Enter a whole number for {name}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise gr.Error(f"{name} must be a whole number, not {str(value)[:40]!r}.")
    if not math.isfinite(number) or number != int(number):
        raise gr.Error(f"{name} must be a whole number, not {value!r}.")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        raise gr.Error(f"{name} must be between {low} and {high}, not {number}.")
    return number


def parse_float(value, name, low=None, high=None, default=None):
    """Returns `value` as a finite float in [low, high]; `gr.Error` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return float(default)
        raise gr.Error(f"Enter a number for {name}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise gr.Error(f"{name} must be a number, not {str(value)[:40]!r}.")
    if not math.isfinite(number):
        raise gr.Error(f"{name} must be a finite number, not {value!r}.")
    if (low is not None and number < low) or (high is not None and number > high):
        raise gr.Error(f"{name} must be between {low} and {high}, not {number:g}.")
    return number


def parse_int_list(text, name, low=None, high=None, max_items=16):
    """Parses "1, 2 3" into [1, 2, 3]; `gr.Error` on anything else."""
    if isinstance(text, (int, float)):
        text = str(int(text)) if float(text).is_integer() else str(text)
    items = [item for item in str(text or "").replace(",", " ").split() if item]
    if not items:
        raise gr.Error(f"Enter at least one whole number for {name} (e.g. 1, 2, 3).")
    if len(items) > max_items:
        raise gr.Error(f"{name}: at most {max_items} numbers, received {len(items)}.")
    return [parse_int(item, name, low, high) for item in items]


def _from_editor(value, name):
    # An image editor / sketchpad: the flattened picture is `composite`;
    # without it, stack the layers over the background.
    composite = value.get("composite")
    if composite is not None:
        return open_image(composite, name)
    parts = [value.get("background")] + list(value.get("layers") or [])
    parts = [open_image(part, name) for part in parts if part is not None]
    if not parts:
        raise gr.Error(f"The {name} is empty: draw or upload something first.")
    canvas = parts[0].convert("RGBA")
    for layer in parts[1:]:
        layer = layer.convert("RGBA").resize(canvas.size)
        canvas = Image.alpha_composite(canvas, layer)
    return canvas


def open_image(value, name="image"):
    """Opens an uploaded / drawn value as a PIL image, or raises `gr.Error`.

    Args:
        value: a file path, PIL image, NumPy array or image-editor dict.
        name: how the message names the input.

    Returns:
        A PIL image (any mode), at most `MAX_UPLOAD_PIXELS` pixels.
    """
    if value is None:
        raise gr.Error(f"No {name}: draw or upload one first.")
    if isinstance(value, dict):
        if "path" in value and not {"composite", "layers", "background"} & set(value):
            return open_image(value["path"], name)
        return _from_editor(value, name)
    if isinstance(value, Image.Image):
        image = value
    elif isinstance(value, np.ndarray):
        array = value
        if array.ndim not in (2, 3) or array.size == 0 or (array.ndim == 3 and array.shape[-1] not in (1, 2, 3, 4)):
            raise gr.Error(f"The {name} has an unsupported shape {array.shape}.")
        if array.dtype != np.uint8:
            array = np.asarray(array, dtype="float64")
            scale = 255.0 if array.size and np.nanmax(array) <= 1.0 else 1.0
            array = np.clip(np.round(np.nan_to_num(array) * scale), 0, 255).astype("uint8")
        if array.ndim == 3 and array.shape[-1] == 1:
            array = array[..., 0]
        if array.ndim == 3 and array.shape[-1] == 2:
            array = array[..., 0]  # grey + alpha: keep the grey
        image = Image.fromarray(array)
    elif isinstance(value, (str, os.PathLike)):
        try:
            image = Image.open(value)
        except FileNotFoundError:
            raise gr.Error(f"The {name} file was not received; upload it again.")
        except (Image.UnidentifiedImageError, OSError, ValueError):
            raise gr.Error(f"The {name} is not an image that can be read (PNG, JPEG, GIF, BMP, WebP...).")
        except Image.DecompressionBombError:
            raise gr.Error(f"The {name} is far too large to open.")
    else:
        raise gr.Error(f"Unsupported {name} input of type {type(value).__name__}.")
    width, height = image.size
    if width * height > MAX_UPLOAD_PIXELS:
        raise gr.Error(
            f"The {name} is {width}x{height} pixels; the limit is {MAX_UPLOAD_PIXELS // 1_000_000} "
            "megapixels. Resize it and try again."
        )
    if width == 0 or height == 0:
        raise gr.Error(f"The {name} is empty ({width}x{height} pixels).")
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise gr.Error(f"The {name} file is truncated or corrupt.")
    return image


def _flatten(image, background):
    """Any mode → RGB, with transparency composited over `background`."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, background + (255,))
        return Image.alpha_composite(canvas, rgba).convert("RGB")
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        array = np.asarray(image, dtype="float64")
        low, high = float(array.min()), float(array.max())
        array = (array - low) / (high - low) if high > low else np.zeros_like(array)
        return Image.fromarray((array * 255).astype("uint8")).convert("RGB")
    return image.convert("RGB")


def to_model_image(value, height, width, channels, value_range=(0.0, 1.0), name="image",
                   background=(255, 255, 255)):
    """Converts any image input to one model input `(height, width, channels)`.

    Transparency is composited over `background`, 16-bit and float images are
    normalized, colour is dropped or added to match `channels`, and the
    picture is resized to the model's size.

    Returns:
        float32 array (height, width, channels) scaled to `value_range`.
    """
    image = _flatten(open_image(value, name), tuple(background))
    image = image.convert("L" if channels == 1 else "RGB")
    if image.size != (width, height):
        # Area averaging when shrinking (no aliasing), bilinear when enlarging.
        shrinking = image.size[0] >= width and image.size[1] >= height
        image = image.resize((width, height), Image.BOX if shrinking else Image.BILINEAR)
    array = np.asarray(image, dtype="float32") / 255.0
    if array.ndim == 2:
        array = array[..., None]
    low, high = value_range
    return (array * (high - low) + low).astype("float32")


def sketch_ink(value, height, width, name="sketch", min_ink=0.02):
    """Converts a sketch (dark strokes on a light or transparent canvas) to ink in [0, 1].

    Returns:
        `(ink, drawn)`: float32 (height, width) with 1 = ink at the model's
        size (scaled so the darkest stroke is 1), and a bool (height, width)
        mask of where anything was drawn.

    Raises:
        gr.Error: nothing drawn.
    """
    image = _flatten(open_image(value, name), (255, 255, 255)).convert("L")
    full = 1.0 - np.asarray(image, dtype="float32") / 255.0
    if float(full.max()) < 0.1:
        raise gr.Error(f"The {name} is empty: draw something first.")
    small = image.resize((width, height), Image.BOX)
    ink = 1.0 - np.asarray(small, dtype="float32") / 255.0
    if float(ink.max()) < min_ink:
        raise gr.Error(f"The {name} is too faint to read: draw with thicker strokes.")
    ink = np.clip(ink / ink.max(), 0.0, 1.0)
    return ink.astype("float32"), ink > 0.15
