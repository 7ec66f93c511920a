"""Model outputs made into pictures people can see, and handlers that never take the app down."""

import io
import types

import numpy as np
import pytest
from PIL import Image

gr = pytest.importorskip("gradio")

from keras_gen.apps import display  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="NumPy and PIL only; the app tests run under TensorFlow")


def test_small_tiles_are_enlarged_and_padded():
    digits = np.linspace(-1.0, 1.0, 4 * 64, dtype="float32").reshape(4, 64)  # flat 8x8 rows
    picture = display.grid(digits, value_range=(-1, 1), image_shape=(8, 8, 1))
    # 2 x 2 tiles of 8 px enlarged 8 times to 64 px, 2 px apart and around: grey, not RGB.
    assert picture.dtype == np.uint8 and picture.shape == (2 * 66 + 2, 2 * 66 + 2)
    assert picture[2, 2] == 0 and picture[66 + 2 + 63, 66 + 2 + 63] == 255  # first and last pixel
    colour = display.strip(np.zeros((3, 16, 16, 3)), value_range=(0, 1), min_tile=32)
    assert colour.shape == (32 + 4, 3 * 34 + 2, 3)


def test_to_unit_uses_the_batch_range_when_none_is_given():
    np.testing.assert_allclose(display.to_unit([2.0, 3.0, 4.0], None), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(display.to_unit([-2.0, 0.0, 2.0], (-1, 1)), [0.0, 0.5, 1.0])  # clipped
    assert np.all(display.to_unit(np.full(3, 7.0), None) == 0.0)  # a constant batch, no 0 / 0


def test_gif_goes_there_and_back():
    frames = np.linspace(0.0, 1.0, 5)[:, None, None] * np.ones((5, 4, 4), "float32")
    with Image.open(io.BytesIO(display.gif_bytes(frames, value_range=(0, 1), min_tile=8))) as gif:
        assert gif.format == "GIF" and gif.n_frames == 2 * 5 - 2 and gif.size == (8 + 4, 8 + 4)


def test_latent_noise_is_one_vector_per_seed_in_the_inputs_distribution():
    artifact = types.SimpleNamespace(inputs={
        "z": {"shape": [None, 6], "distribution": "normal"},
        "u": {"shape": [None, 2, 3], "distribution": "uniform", "range": [0.0, 0.5]}})
    seven = display.latent_noise(7, artifact, "z")
    assert seven.shape == (6,) and seven.dtype == np.float32
    np.testing.assert_array_equal(seven, display.latent_noise(7, artifact, "z"))
    assert not np.array_equal(seven, display.latent_noise(8, artifact, "z"))
    uniform = display.latent_noise(7, artifact, "u")
    assert uniform.shape == (6,) and 0.0 <= uniform.min() and uniform.max() <= 0.5


def test_guarded_handlers_turn_failures_into_one_readable_message():
    @display.guarded
    def handler(value):
        if value == "bad input":
            raise gr.Error("Seed must be a number")
        return 1 / value

    assert handler(4) == 0.25 and handler.__name__ == "handler"
    with pytest.raises(gr.Error, match="Seed must be a number"):
        handler("bad input")
    with pytest.raises(gr.Error, match="Something went wrong: ZeroDivisionError: division by zero"):
        handler(0)
