"""Every endpoint of the launched demo through gradio_client, good and bad input."""

import os

import numpy as np
import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
import httpx  # noqa: E402  (a dependency of gradio_client)
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")

EXPECTED = {
    "/gan_sample", "/gan_interpolate", "/gan_arithmetic", "/gan2_sample", "/gan2_interpolate",
    "/gan2_arithmetic", "/gan2_digit", "/vae_decode", "/vae_manifold", "/vae_reconstruct",
    "/rbm_complete", "/rbm_retrieve", "/rbm_filters", "/rbm_example",
    "/rbm2_complete", "/rbm2_retrieve", "/rbm2_filters", "/rbm2_example",
    "/video_digits", "/video_upload",
}


def picture(path):
    image = np.asarray(Image.open(path).convert("RGB"), dtype="float32")
    assert image.std() > 0, f"{path} is a blank picture"
    return image


def write(tmp_path, name, array, mode=None):
    path = str(tmp_path / name)
    Image.fromarray(array, mode).save(path)
    return path


def sketch_value(path):
    return {"background": handle_file(path), "layers": [], "composite": handle_file(path)}


@pytest.fixture(scope="module")
def digit_sketch(tmp_path_factory):
    """A '7' drawn dark on white, RGBA (what the browser sketchpad sends)."""
    canvas = np.full((280, 280, 4), 255, "uint8")
    canvas[40:70, 60:220, :3] = 0  # the bar
    for row in range(70, 250):
        column = 220 - (row - 70) // 2
        canvas[row, column - 15: column + 15, :3] = 0
    return write(tmp_path_factory.mktemp("sketch"), "seven.png", canvas)


def assert_still_serving(client):
    picture(client.predict(0, 4, api_name="/gan_sample"))


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


def test_rbm_complete_retrieve_filters_example(client, digit_sketch):
    current, chain = client.predict(sketch_value(digit_sketch), "top half", 20, 0, api_name="/rbm_complete")
    picture(current), picture(chain)
    query, found, summary = client.predict(sketch_value(digit_sketch), 8, api_name="/rbm_retrieve")
    picture(found)
    distances = [int(v) for v in summary.split("distances ")[1].split(" (")[0].split(", ")]
    assert len(distances) == 8 and distances == sorted(distances)
    assert picture(client.predict(16, api_name="/rbm_filters")).shape[0] == 4 * 58 + 2
    example = client.predict(3, api_name="/rbm_example")
    picture(example["composite"] if isinstance(example, dict) else example)


def test_dbn_completion_retrieval_filters(client, digit_sketch):
    current, chain = client.predict(sketch_value(digit_sketch), "left half", 10, 1, api_name="/rbm2_complete")
    picture(current), picture(chain)
    _, found, summary = client.predict(sketch_value(digit_sketch), 4, api_name="/rbm2_retrieve")
    assert "500-bit codes" in summary  # the dbn_mnist preset's top layer
    picture(client.predict(8, api_name="/rbm2_filters"))


def test_image_to_image(client, demo_bundles, tmp_path):
    bundles, notes = demo_bundles
    paired = picture(client.predict(0, "generator", api_name="/image_to_image_example"))
    assert paired.shape[1] == 3 * 258 + 2  # input | translation | ground truth
    label_map = np.random.default_rng(0).integers(0, 255, (300, 200, 3), dtype="uint8")
    seen, output = client.predict(handle_file(write(tmp_path, "map.jpg", label_map)), "generator",
                                  api_name="/image_to_image_translate")
    assert picture(seen).shape == picture(output).shape
    if not any(bundle.model_class == "CycleGAN" for bundle in bundles):
        pytest.skip("no facades data for the test's tiny CycleGAN")
    # CycleGAN: both directions, unpaired examples (input | translation)
    for direction in ("generator", "generator_reverse"):
        unpaired = picture(client.predict(1, direction, api_name="/image_to_image2_example"))
        assert unpaired.shape[1] == 2 * 258 + 2
    with pytest.raises(AppError, match="sideways"):
        client.predict(1, "sideways", api_name="/image_to_image2_example")
    assert_still_serving(client)


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


def test_text_in_latent_sliders(client):
    with pytest.raises(AppError, match="Latent 2 must be a number"):
        client.predict(0.5, "up", api_name="/vae_decode")
    with pytest.raises(AppError, match="Latent 1 must be between -3 and 3"):
        client.predict(7.0, 0.0, api_name="/vae_decode")


def test_bad_text_groups(client):
    with pytest.raises(AppError, match="Group B"):
        client.predict("1, 2", "two", "3", api_name="/gan_arithmetic")
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
