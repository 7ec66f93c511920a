"""Input sanitizing for the apps: every user value is converted or rejected
with one readable `gr.Error` naming the input, never a stack trace.

Images arrive as file paths (uploads), PIL images, NumPy arrays or the dict
of an image editor / sketchpad (`background`, `layers`, `composite`). Their
width and height are read from the file header (`image_dimensions`) before
any pixel is decoded, so a huge upload or sketch is refused at once.
"""

import io
import math
import os
import struct
import warnings

import gradio as gr
import numpy as np
from PIL import Image

__all__ = [
    "MAX_UPLOAD_PIXELS",
    "MAX_FILE_SIZE",
    "image_dimensions",
    "check_image_source",
    "open_image",
    "to_model_image",
    "sketch_ink",
    "parse_number",
    "parse_int",
    "parse_float",
    "parse_int_list",
]

# 4000 x 4000 photos are accepted and shrunk; beyond this the pixels would
# not fit comfortably in memory on a small demo host.
MAX_UPLOAD_PIXELS = 40_000_000
# Gradio refuses bigger uploads before they reach a handler.
MAX_FILE_SIZE = "20mb"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_READABLE = "PNG, JPEG, GIF, BMP, WebP..."


def image_dimensions(source):
    """`(width, height)` of an image file or its bytes, read from the header only.

    PNG (what browsers send for sketches and pastes) is read directly from its
    IHDR chunk; other formats through PIL's lazy `Image.open`, which parses the
    header and decodes nothing.

    Args:
        source: a file path or the file's bytes.

    Returns:
        `(width, height)`, or None when the data is not an image PIL can read.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        head = bytes(source[:24])
        opener = lambda: io.BytesIO(bytes(source))  # noqa: E731
    else:
        try:
            with open(source, "rb") as handle:
                head = handle.read(24)
        except OSError:
            return None
        opener = lambda: source  # noqa: E731
    if head[:8] == _PNG_SIGNATURE:
        if head[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", head[16:24])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(opener()) as image:
                return image.size
    except Image.DecompressionBombError as error:
        # PIL refuses to even describe images over ~179 megapixels; they are far over the limit.
        return (int(str(error).split("(")[1].split()[0]), 1) if "(" in str(error) else (MAX_UPLOAD_PIXELS + 1, 1)
    except (Image.UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        return None


def check_image_source(source, name="image"):
    """Raises `gr.Error` unless `source` (a path or bytes) is a readable image within the size limit.

    Only the header is read. Returns `(width, height)`.
    """
    size = image_dimensions(source)
    if size is None:
        raise gr.Error(f"The {name} is not an image that can be read ({_READABLE}).")
    width, height = size
    if width == 0 or height == 0:
        raise gr.Error(f"The {name} is empty ({width}x{height} pixels).")
    if width * height > MAX_UPLOAD_PIXELS:
        shown = f"{width}x{height} pixels" if height > 1 else f"{width / 1e6:.0f} megapixels"
        raise gr.Error(f"The {name} is {shown}; the limit is {MAX_UPLOAD_PIXELS // 1_000_000} "
                       "megapixels. Resize it and try again.")
    return width, height


def parse_number(value, name, low=None, high=None):
    """Returns `value` as a finite float in [low, high]; one `gr.Error` naming `name` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise gr.Error(f"Enter a number for {name}.")
    if isinstance(value, bool):
        value = int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise gr.Error(f"{name} must be a number, not {str(value)[:40]!r}.") from None
    if not math.isfinite(number):
        raise gr.Error(f"{name} must be a finite number, not {value!r}.")
    if (low is not None and number < low) or (high is not None and number > high):
        low, high = _shown(low), _shown(high)
        bounds = (f"between {low} and {high}" if low is not None and high is not None
                  else f"at least {low}" if low is not None else f"at most {high}")
        raise gr.Error(f"{name} must be {bounds}, not {_shown(number)}.")
    return number


def _shown(value):
    """A bound as people write it: 64, not 64.0 or 6.4e+01."""
    if value is None:
        return None
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.6g}"


def parse_int(value, name, low=None, high=None, default=None):
    """Returns `value` as an int in [low, high]; `gr.Error` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise gr.Error(f"Enter a whole number for {name}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise gr.Error(f"{name} must be a whole number, not {str(value)[:40]!r}.") from None
    if not math.isfinite(number) or number != int(number):
        raise gr.Error(f"{name} must be a whole number, not {value!r}.")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = (f"between {low} and {high}" if low is not None and high is not None
                  else f"at least {low}" if low is not None else f"at most {high}")
        raise gr.Error(f"{name} must be {bounds}, not {number}.")
    return number


def parse_float(value, name, low=None, high=None, default=None):
    """Returns `value` as a finite float in [low, high] (`default` when empty); `gr.Error` otherwise."""
    if default is not None and (value is None or (isinstance(value, str) and not value.strip())):
        return float(default)
    return parse_number(value, name, low, high)


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
        if not os.path.isfile(value):
            raise gr.Error(f"The {name} file was not received; upload it again.")
        check_image_source(os.fspath(value), name)
        try:
            image = Image.open(value)
        except (Image.UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise gr.Error(f"The {name} is not an image that can be read ({_READABLE}).") from None
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
        raise gr.Error(f"The {name} file is truncated or corrupt.") from None
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
