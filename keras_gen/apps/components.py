"""Gradio components of the demo: Gradio's own, with checked input and atomic output.

Each class subclasses a Gradio component without touching `__init__`: Gradio
builds the page from the constructor's signature (`Block.get_config`), so a
subclass that hid it behind `*args, **kwargs` would reach the browser with
almost no properties and render nothing. Settings the demo always wants are
passed by the small factories (`image_upload`, `sketchpad`, `picture`).

Inputs refuse bad values with one `gr.Error` naming the field, before any
pixel is decoded (image sizes are read from the file header). Outputs are
written to Gradio's cache under the hash of their bytes, through a temporary
file renamed into place: identical concurrent answers share one complete file
and a download never meets a half-written one (Gradio's own cache rewrites
the same path in place).
"""

import hashlib
import io
import os

import gradio as gr
import numpy as np
from gradio.data_classes import FileData
from gradio.data_classes import ImageData
from PIL import Image

from keras_gen.apps.inputs import check_image_source
from keras_gen.apps.inputs import parse_number

__all__ = ["Number", "Slider", "ImageUpload", "Sketch", "Picture", "image_upload", "sketchpad", "picture",
           "cache_bytes"]

UPLOAD_SOURCES = ["upload", "clipboard"]


def cache_bytes(data, cache_dir, suffix):
    """Writes `data` once to `cache_dir/<sha256>/image<suffix>` (atomically); returns the path."""
    from keras_gen.utils import atomic_path

    folder = os.path.join(cache_dir, hashlib.sha256(data).hexdigest())
    path = os.path.join(folder, "image" + suffix)
    if os.path.isfile(path):
        try:
            os.utime(path)  # Gradio's cache cleaner ages files by their time stamps
        except OSError:
            pass
        return path
    os.makedirs(folder, exist_ok=True)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
    return path


def _encoded(value):
    """`(bytes, suffix)` of a picture: a NumPy array or PIL image as PNG, or already-encoded bytes."""
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        return data, ".gif" if data[:6] in (b"GIF87a", b"GIF89a") else ".png"
    if isinstance(value, np.ndarray):
        array = value
        if array.dtype != np.uint8:
            array = np.clip(np.round(np.asarray(array, dtype="float64") * 255.0), 0, 255).astype("uint8")
        value = Image.fromarray(array[..., 0] if array.ndim == 3 and array.shape[-1] == 1 else array)
    buffer = io.BytesIO()
    value.save(buffer, format="PNG", compress_level=1)  # fast: the pictures are small
    return buffer.getvalue(), ".png"


class Number(gr.Number):
    """`gr.Number` whose text and out-of-range values get one message naming the field.

    The browser cannot send text from a number field, but an API client can.
    """

    is_template = True  # reuse gr.Number's front end

    def preprocess(self, payload):
        if payload is None or (isinstance(payload, str) and not payload.strip()):
            return None
        value = parse_number(payload, self.label or "This field", self.minimum, self.maximum)
        return self.round_to_precision(value, self.precision)


class Slider(gr.Slider):
    """`gr.Slider` that words text or an out-of-range value as one message naming the slider
    (Gradio's own check compares the text with a number and fails with a generic error)."""

    is_template = True  # reuse gr.Slider's front end

    def preprocess(self, payload):
        value = parse_number(payload, self.label or "This slider", self.minimum, self.maximum)
        return gr.Number.round_to_precision(value, self.precision)


class ImageUpload(gr.Image):
    """`gr.Image` for uploads: checks the file's header (format, size) before any
    decoding and hands the handler the file path (create it with `image_upload`)."""

    is_template = True  # reuse gr.Image's front end

    def preprocess(self, payload):
        if payload is None:
            return None
        name = (self.label or "upload").lower()
        if payload.url and payload.url.startswith("data:"):
            import base64

            try:
                data = base64.b64decode(payload.url.split(",", 1)[1], validate=False)
            except (ValueError, IndexError):
                raise gr.Error(f"The {name} is not an image that can be read (PNG, JPEG, GIF, BMP, WebP...).") from None
            check_image_source(data, name)
            return cache_bytes(data, self.GRADIO_CACHE, os.path.splitext(payload.orig_name or "")[1] or ".png")
        if not payload.path:
            raise gr.Error(f"The {name} was not received; upload it again.")
        check_image_source(payload.path, name)
        return payload.path


class Sketch(gr.ImageEditor):
    """A sketchpad (create it with `sketchpad`) whose every layer is size-checked
    from its header before Gradio decodes it, and whose output is written atomically."""

    is_template = True  # reuse gr.ImageEditor's front end (gr.Sketchpad is a preset of it)

    def preprocess(self, payload):
        if payload is None:
            return None
        name = (self.label or "sketch").split(" (")[0].lower()
        stored = self.blob_storage.get(payload.id) if payload.id is not None else None
        source = stored if stored is not None else payload
        parts = [source.background, source.composite, *(source.layers or [])]
        for part in parts:
            if part is not None:
                check_image_source(part.path if isinstance(part, FileData) else bytes(part), name)
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception as error:
            raise gr.Error(f"The {name} is not an image that can be read: draw it again or upload a PNG.") from error

    def postprocess(self, value):
        if isinstance(value, dict):
            value = dict(value)
            for key in ("background", "composite"):
                if isinstance(value.get(key), (np.ndarray, Image.Image)):
                    value[key] = cache_bytes(_encoded(value[key])[0], self.GRADIO_CACHE, ".png")
            value["layers"] = [cache_bytes(_encoded(layer)[0], self.GRADIO_CACHE, ".png")
                               if isinstance(layer, (np.ndarray, Image.Image)) else layer
                               for layer in value.get("layers") or []]
        return super().postprocess(value)


class Picture(gr.Image):
    """An output picture (create it with `picture`): a NumPy array or PIL image is
    saved as PNG, bytes (a GIF) as they are, each once per content and atomically."""

    is_template = True  # reuse gr.Image's front end

    def postprocess(self, value):
        if value is None:
            return None
        if isinstance(value, (str, os.PathLike)):
            return super().postprocess(value)
        data, suffix = _encoded(value)
        path = cache_bytes(data, self.GRADIO_CACHE, suffix)
        return ImageData(path=path, orig_name=os.path.basename(path), mime_type=f"image/{suffix[1:]}")


def image_upload(label, **kwargs):
    """An `ImageUpload` from a file or the clipboard, passed to the handler as a checked path."""
    kwargs.setdefault("sources", UPLOAD_SOURCES)
    return ImageUpload(label=label, type="filepath", image_mode=None, **kwargs)


def sketchpad(label, **kwargs):
    """A `Sketch` set up like `gr.Sketchpad`: a black brush on a blank RGBA canvas."""
    kwargs.setdefault("canvas_size", (280, 280))
    return Sketch(label=label, type="numpy", image_mode="RGBA", sources=(), transforms=(), layers=False,
                  brush=gr.Brush(colors=["#000000"], color_mode="fixed"), format="png", **kwargs)


def picture(label, **kwargs):
    """A `Picture` output (PNG, or GIF when the handler returns GIF bytes)."""
    return Picture(label=label, type="numpy", format="png", interactive=False, **kwargs)
