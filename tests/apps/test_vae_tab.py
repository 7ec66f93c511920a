"""The VAE tab through gradio_client: decoding, the manifold, reconstructions."""

import numpy as np
import pytest

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from tests.apps.served import picture  # noqa: E402
from tests.apps.served import sketch_value  # noqa: E402
from tests.apps.served import write  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")


def test_vae_decode_manifold(client):
    origin = picture(client.predict(0.0, 0.0, api_name="/vae_decode"))
    moved = picture(client.predict(2.0, -2.0, api_name="/vae_decode"))
    assert not np.array_equal(origin, moved)
    assert picture(client.predict(5, 0, 1, api_name="/vae_manifold")).shape[0] == 5 * 58 + 2


def test_vae_reconstruct_sketch_and_rgba_upload(client, digit_sketch, tmp_path):
    seen, output, code = client.predict(sketch_value(digit_sketch), None, api_name="/vae_reconstruct")
    picture(seen), picture(output)
    assert len(code.split(",")) == 16  # the vae_mnist preset's latent
    rgba = np.zeros((100, 60, 4), "uint8")
    rgba[20:80, 20:40] = (200, 30, 30, 255)  # a red bar, transparent elsewhere
    upload = write(tmp_path, "rgba.png", rgba)
    seen, output, _ = client.predict(None, handle_file(upload), api_name="/vae_reconstruct")
    picture(output)


def test_text_in_latent_sliders(client):
    with pytest.raises(AppError, match="Latent 2 must be a number"):
        client.predict(0.5, "up", api_name="/vae_decode")
    with pytest.raises(AppError, match="Latent 1 must be between -3 and 3"):
        client.predict(7.0, 0.0, api_name="/vae_decode")
