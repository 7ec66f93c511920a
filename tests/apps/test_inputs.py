"""Input sanitizing: every odd image or value is converted or refused with a message."""

import gradio as gr
import numpy as np
import pytest
from PIL import Image

from keras_gen.apps import inputs

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="input parsing is NumPy; two backends suffice")


def save(tmp_path, name, image):
    path = str(tmp_path / name)
    image.save(path)
    return path


def test_rgba_is_composited_over_white(tmp_path):
    array = np.zeros((10, 10, 4), "uint8")
    array[:5, :, :] = (0, 0, 0, 255)  # opaque black top, transparent bottom
    out = inputs.to_model_image(save(tmp_path, "a.png", Image.fromarray(array, "RGBA")), 2, 2, 1)
    assert out.shape == (2, 2, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(out[1], 1.0, atol=1e-6)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "I;16", "F", "CMYK", "1"])
def test_any_mode_converts(tmp_path, mode):
    image = Image.fromarray(np.arange(64, dtype="uint8").reshape(8, 8) * 4).convert(mode)
    out = inputs.to_model_image(image, 4, 6, 3, value_range=(-1.0, 1.0))
    assert out.shape == (4, 6, 3) and out.min() >= -1.0 and out.max() <= 1.0


def test_sixteen_bit_png_is_normalized(tmp_path):
    array = (np.arange(16, dtype="uint16").reshape(4, 4) * 4000)
    out = inputs.to_model_image(save(tmp_path, "deep.png", Image.fromarray(array)), 4, 4, 1)
    assert out.min() == 0.0 and out.max() == 1.0


def test_huge_header_refused_before_decoding(tmp_path):
    path = save(tmp_path, "big.png", Image.new("1", (8000, 6000)))
    with pytest.raises(gr.Error, match="megapixels"):
        inputs.open_image(path)


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 20])
def test_unreadable_files(tmp_path, content):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(gr.Error):
        inputs.open_image(str(path))


def test_truncated_png(tmp_path):
    path = save(tmp_path, "whole.png", Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), "uint8")))
    data = open(path, "rb").read()
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])
    with pytest.raises(gr.Error, match="truncated or corrupt"):
        inputs.open_image(path)


def test_missing_values_and_odd_arrays():
    with pytest.raises(gr.Error, match="No image"):
        inputs.open_image(None)
    with pytest.raises(gr.Error, match="unsupported shape"):
        inputs.open_image(np.zeros((2, 2, 7)))
    with pytest.raises(gr.Error, match="Unsupported"):
        inputs.open_image(3.5)
    with pytest.raises(gr.Error, match="empty"):
        inputs.open_image({"background": None, "layers": [], "composite": None})
    floats = inputs.to_model_image(np.full((3, 3), 0.5, "float32"), 3, 3, 1)
    np.testing.assert_allclose(floats, 128 / 255, atol=1e-6)


def test_sketch_ink_layers_without_composite():
    background = np.full((40, 40, 4), 255, "uint8")
    layer = np.zeros((40, 40, 4), "uint8")
    layer[10:30, 18:22] = (0, 0, 0, 255)
    ink, drawn = inputs.sketch_ink({"background": background, "layers": [layer], "composite": None}, 4, 4)
    assert ink.max() == 1.0 and drawn[:, 1:3].any() and not drawn[:, 0].any()
    with pytest.raises(gr.Error, match="empty"):
        inputs.sketch_ink({"background": background, "layers": [], "composite": background}, 4, 4)


@pytest.mark.parametrize("value, message", [
    ("abc", "whole number"), (1.5, "whole number"), (float("nan"), "whole number"),
    (None, "Enter a whole number"), (11, "between 0 and 10"), ("", "Enter a whole number"),
])
def test_parse_int_errors(value, message):
    with pytest.raises(gr.Error, match=message):
        inputs.parse_int(value, "Seed", 0, 10)


def test_parsers_accept_good_values():
    assert inputs.parse_int("7", "Seed", 0, 10) == 7
    assert inputs.parse_int(None, "Seed", 0, 10, default=3) == 3
    assert inputs.parse_float("0.25", "z", -1, 1) == 0.25
    assert inputs.parse_int_list("1, 2 3", "Group") == [1, 2, 3]
    with pytest.raises(gr.Error, match="finite"):
        inputs.parse_float("inf", "z")
    with pytest.raises(gr.Error, match="at least one"):
        inputs.parse_int_list(" , ", "Group")
    with pytest.raises(gr.Error, match="at most 16"):
        inputs.parse_int_list(" ".join(["1"] * 17), "Group")


def test_number_component_words_text_as_message():
    field = inputs.Number(label="Seed", precision=0, minimum=0)
    with pytest.raises(gr.Error, match="Seed must be a number"):
        field.preprocess("twelve")
    assert field.preprocess("12") == 12 and field.preprocess(None) is None
