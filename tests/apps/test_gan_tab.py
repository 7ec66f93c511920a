"""The GAN tabs through gradio_client: grids, interpolation, arithmetic, digits on demand."""

import numpy as np
import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
from gradio_client.exceptions import AppError  # noqa: E402

from tests.apps.served import assert_still_serving  # noqa: E402
from tests.apps.served import picture  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")


def test_gan_sample_is_reproducible_and_sized(client):
    first = picture(client.predict(5, 16, api_name="/gan_sample"))
    again = picture(client.predict(5, 16, api_name="/gan_sample"))
    other = picture(client.predict(6, 16, api_name="/gan_sample"))
    np.testing.assert_array_equal(first, again)
    assert first.shape == other.shape and not np.array_equal(first, other)
    # 4 x 4 tiles of the preset's 28-px digits shown at 84 px with 2-px padding
    assert first.shape[:2] == (4 * 86 + 2, 4 * 86 + 2)


def test_gan_interpolate_strip_and_gif(client):
    strip, gif = client.predict(0, 9, 6, "slerp", api_name="/gan_interpolate")
    assert picture(strip).shape[1] == 6 * 86 + 2
    with Image.open(gif) as animation:
        assert animation.format == "GIF" and animation.n_frames == 2 * 6 - 2
    lerp_strip, _ = client.predict(0, 9, 6, "lerp", api_name="/gan_interpolate")
    assert not np.array_equal(picture(strip), picture(lerp_strip))


def test_gan_arithmetic(client):
    result = picture(client.predict("0, 1, 2", "3 4", "5", api_name="/gan_arithmetic"))
    assert result.shape[1] == 4 * 86 + 2


def test_conditional_gan_digit(client):
    three = picture(client.predict(3, 0, 8, api_name="/gan2_digit"))
    seven = picture(client.predict(7, 0, 8, api_name="/gan2_digit"))
    assert three.shape == seven.shape and not np.array_equal(three, seven)
    strip, _ = client.predict(0, 1, 4, "lerp", 2, api_name="/gan2_interpolate")
    picture(strip)


def test_bad_text_groups(client):
    with pytest.raises(AppError, match="Group B"):
        client.predict("1, 2", "two", "3", api_name="/gan_arithmetic")
    assert_still_serving(client)
