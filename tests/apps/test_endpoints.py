"""Every endpoint of the launched demo through gradio_client, good and bad input."""

import os

import numpy as np
import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
import httpx  # noqa: E402  (a dependency of gradio_client)
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from tests.apps.served import assert_still_serving  # noqa: E402
from tests.apps.served import picture  # noqa: E402
from tests.apps.served import sketch_value  # noqa: E402
from tests.apps.served import write  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")

EXPECTED = {
    "/gan_sample", "/gan_interpolate", "/gan_arithmetic", "/gan2_sample", "/gan2_interpolate",
    "/gan2_arithmetic", "/gan2_digit", "/vae_decode", "/vae_manifold", "/vae_reconstruct",
    "/rbm_complete", "/rbm_retrieve", "/rbm_filters", "/rbm_example",
    "/rbm2_complete", "/rbm2_retrieve", "/rbm2_filters", "/rbm2_example",
    "/video_digits", "/video_upload",
}


def test_named_endpoints(client, demo_bundles):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    names = set(endpoints)
    bundles, _ = demo_bundles
    expected = set(EXPECTED)
    if any(bundle.family == "image_to_image" for bundle in bundles):
        expected |= {"/image_to_image_translate", "/image_to_image_example",
                     "/image_to_image2_translate", "/image_to_image2_example"}
    assert expected <= names, sorted(expected - names)
    parameters = {name: [p["parameter_name"] for p in endpoint["parameters"]] for name, endpoint in endpoints.items()}
    assert not [name for name, names in parameters.items() if any(n.startswith("param_") for n in names)], parameters
    latent_dim = len(parameters["/vae_decode"])
    assert latent_dim > 1 and parameters["/vae_decode"] == [f"latent_{i + 1}" for i in range(latent_dim)]
    assert parameters["/rbm_complete"] == ["sketch", "known_region", "steps", "seed"]


@pytest.mark.parametrize("arguments, message", [
    (("abc", 4), "Seed must be a number, not 'abc'"),
    ((None, 4), "Enter a whole number for Seed"),
    ((-3, 4), "Seed must be between 0 and"),
    ((0, 1000), "Count must be between 1 and 64, not 1000"),
    ((0, "many"), "Count must be a number, not 'many'"),  # text in a slider
    ((0, 2.5), "Count must be a whole number"),
])
def test_bad_numbers_give_one_message_naming_the_field(client, arguments, message):
    with pytest.raises(AppError, match=message):
        client.predict(*arguments, api_name="/gan_sample")
    assert_still_serving(client)


def test_empty_sketch(client, tmp_path):
    blank = write(tmp_path, "blank.png", np.full((280, 280, 4), 255, "uint8"))
    for endpoint, arguments in (("/rbm_complete", ("top half", 5, 0)), ("/rbm_retrieve", (4,)),
                                ("/vae_reconstruct", (None,))):
        with pytest.raises(AppError, match="empty"):
            client.predict(sketch_value(blank), *arguments, api_name=endpoint)
    with pytest.raises(AppError, match="Draw a digit or upload"):
        client.predict(None, None, api_name="/vae_reconstruct")
    assert_still_serving(client)


def test_huge_and_broken_uploads(client, tmp_path):
    large = np.zeros((4000, 4000), "uint8")
    large[1000:3000, 1800:2200] = 255
    seen, _, _ = client.predict(None, handle_file(write(tmp_path, "large.png", large)),
                                api_name="/vae_reconstruct")
    assert picture(seen).shape[:2] == (28 * 6 + 4, 28 * 6 + 4)  # shrunk to 28x28, shown at 168 px
    too_big = str(tmp_path / "too_big.png")
    Image.new("1", (7000, 7000)).save(too_big)
    with pytest.raises(AppError, match="upload is 7000x7000 pixels; the limit is 40 megapixels"):
        client.predict(None, handle_file(too_big), api_name="/vae_reconstruct")
    # Beyond what PIL agrees to open at all (~179 megapixels): still the size message.
    enormous = str(tmp_path / "enormous.png")
    Image.new("1", (20000, 20000)).save(enormous)
    with pytest.raises(AppError, match="20000x20000 pixels; the limit"):
        client.predict(None, handle_file(enormous), api_name="/vae_reconstruct")
    not_image = str(tmp_path / "notes.png")
    with open(not_image, "w") as handle:
        handle.write("this is text, not a picture")
    with pytest.raises(AppError, match="upload is not an image"):
        client.predict(None, handle_file(not_image), api_name="/vae_reconstruct")
    assert_still_serving(client)


def test_huge_and_broken_sketches_are_refused_from_the_header(client, tmp_path):
    huge = str(tmp_path / "huge_sketch.png")
    Image.new("1", (8000, 8000), 1).save(huge)
    for endpoint, arguments in (("/rbm_complete", ("top half", 5, 0)), ("/vae_reconstruct", (None,))):
        with pytest.raises(AppError, match="sketch is 8000x8000 pixels; the limit is 40 megapixels"):
            client.predict(sketch_value(huge), *arguments, api_name=endpoint)
    text = str(tmp_path / "sketch.png")
    with open(text, "w") as handle:
        handle.write("not a drawing")
    with pytest.raises(AppError, match="sketch is not an image"):
        client.predict(sketch_value(text), 4, api_name="/rbm_retrieve")
    assert_still_serving(client)


def test_identical_concurrent_requests_get_complete_pictures(demo_url):
    """Twelve people pressing Generate with the same inputs at once: each gets
    the whole picture (outputs are written once per content, atomically)."""
    import concurrent.futures

    from gradio_client import Client

    clients = [Client(demo_url, verbose=False) for _ in range(12)]
    with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
        paths = list(pool.map(lambda c: c.predict(0, 16, api_name="/gan_sample"), clients))
    contents = {open(path, "rb").read() for path in paths}
    assert len(contents) == 1
    picture(paths[0])


def test_upload_over_file_size_limit_is_refused(client, tmp_path):
    path = str(tmp_path / "noise.bmp")
    with open(path, "wb") as handle:
        handle.write(os.urandom(21 * 1024 * 1024))
    # Refused by the client's own size check (ValueError) or, failing that, by the server (HTTP 413).
    with pytest.raises((ValueError, httpx.HTTPStatusError), match="maximum file size|413"):
        client.predict(None, handle_file(path), api_name="/vae_reconstruct")
    assert_still_serving(client)
