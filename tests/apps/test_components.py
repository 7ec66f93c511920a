"""The demo's Gradio components: Gradio can serialize them, inputs are checked
from the header before decoding, outputs are written once and atomically."""

import concurrent.futures
import os

import gradio as gr
import numpy as np
import pytest
from gradio.data_classes import FileData
from gradio.data_classes import ImageData
from PIL import Image

from keras_gen.apps import components

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="Gradio components are NumPy; two backends suffice")


@pytest.mark.parametrize("make, base", [
    (lambda: components.image_upload("Upload"), gr.Image),
    (lambda: components.sketchpad("Sketch"), gr.ImageEditor),
    (lambda: components.picture("Output"), gr.Image),
    (lambda: components.Slider(1, 64, value=16, step=1, label="Count"), gr.Slider),
    (lambda: components.Number(value=0, label="Seed", precision=0), gr.Number),
])
def test_the_browser_gets_every_property(make, base):
    """Gradio's config builder reads the constructor's signature: the subclass
    must send the same properties as its Gradio base (the browser needs them)."""
    with gr.Blocks():
        component = make()
    config = component.get_config()
    reference = set(inspect_parameters(base)) & set(vars(component))
    assert reference <= set(config), sorted(reference - set(config))
    assert config["name"] == base.__name__.lower()


def inspect_parameters(cls):
    import inspect

    return [name for name in inspect.signature(cls.__init__).parameters if name not in ("self", "render")]


def test_upload_checks_the_header_and_passes_the_path(tmp_path):
    upload = components.image_upload("Upload")
    good = str(tmp_path / "good.png")
    Image.new("RGB", (30, 20)).save(good)
    assert upload.preprocess(ImageData(path=good, orig_name="good.png")) == good
    huge = str(tmp_path / "huge.png")
    Image.new("1", (9000, 9000)).save(huge)
    with pytest.raises(gr.Error, match="upload is 9000x9000 pixels"):
        upload.preprocess(ImageData(path=huge, orig_name="huge.png"))
    text = tmp_path / "text.png"
    text.write_text("hello")
    with pytest.raises(gr.Error, match="upload is not an image"):
        upload.preprocess(ImageData(path=str(text), orig_name="text.png"))


def test_sketch_checks_every_layer_before_decoding(tmp_path, monkeypatch):
    sketch = components.sketchpad("Sketch (draw a digit)")
    huge = str(tmp_path / "huge.png")
    Image.new("1", (8000, 8000)).save(huge)
    decoded = []
    monkeypatch.setattr(gr.ImageEditor, "convert_and_format_image", lambda *a, **k: decoded.append(a))
    payload = gr.components.image_editor.EditorData(
        background=FileData(path=huge), layers=[], composite=FileData(path=huge))
    with pytest.raises(gr.Error, match="sketch is 8000x8000 pixels"):
        sketch.preprocess(payload)
    assert decoded == []  # refused from the header alone
    blobs = gr.components.image_editor.EditorDataBlobs(background=None, layers=[b"not a png"], composite=None)
    sketch.blob_storage["id1"] = blobs
    with pytest.raises(gr.Error, match="sketch is not an image"):
        sketch.preprocess(gr.components.image_editor.EditorData(id="id1"))


def test_picture_is_stored_once_per_content(tmp_path):
    output = components.picture("Output")
    output.GRADIO_CACHE = str(tmp_path)
    image = np.random.default_rng(0).integers(0, 255, (40, 30, 3), dtype="uint8")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        paths = {result.path for result in pool.map(output.postprocess, [image] * 32)}
    assert len(paths) == 1
    path = paths.pop()
    np.testing.assert_array_equal(np.asarray(Image.open(path)), image)
    # Nothing half-written left beside it.
    assert os.listdir(os.path.dirname(path)) == ["image.png"]
    gif = output.postprocess(b"GIF89a" + bytes(20))
    assert gif.path.endswith(".gif")


def test_sketch_output_is_written_atomically(tmp_path):
    sketch = components.sketchpad("Sketch")
    sketch.GRADIO_CACHE = str(tmp_path)
    rgba = np.full((10, 10, 4), 255, "uint8")
    value = sketch.postprocess({"background": rgba, "layers": [], "composite": rgba})
    assert value.background.path == value.composite.path
    assert value.background.path.startswith(str(tmp_path))


def test_slider_and_number_word_text(tmp_path):
    slider = components.Slider(1, 64, value=16, step=1, label="Count")
    with pytest.raises(gr.Error, match="Count must be a number, not 'lots'"):
        slider.preprocess("lots")
    assert slider.preprocess(8) == 8
    seed = components.Number(value=0, label="Seed", precision=0, minimum=0)
    with pytest.raises(gr.Error, match="Seed must be a number"):
        seed.preprocess("twelve")
    with pytest.raises(gr.Error, match="Seed must be at least 0, not -1"):
        seed.preprocess(-1)
    assert seed.preprocess("12") == 12 and seed.preprocess(None) is None
