"""End to end in a real headless Chromium (driven by Playwright): every tab of
the default launcher renders its inputs, and every action produces a picture
whose served file decodes to non-blank pixels; bad input shows a message.

Chromium is Debian's `chromium` (.ci/system-packages) or Playwright's own
(`python -m playwright install chromium`). Screenshots go to
tests/artifacts/apps/ (the ones in docs/demo/ come from here).
"""

import glob
import io
import os
import shutil

import numpy as np
import pytest
from PIL import Image

sync_api = pytest.importorskip("playwright.sync_api")


def _chromium():
    candidates = [os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    candidates += sorted(glob.glob(os.path.expanduser("~/.cache/ms-playwright/chromium-*/chrome-linux*/chrome")))
    return next((path for path in candidates if path and os.path.isfile(path)), None)


CHROMIUM = _chromium()
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000  # a busy 2-core machine

pytestmark = [
    pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts"),
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: run .ci/system-packages or "
                                                "`python -m playwright install chromium`"),
]


@pytest.fixture(scope="module")
def page(demo_url):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(demo_url)
        page.get_by_text("keras-gen demo").first.wait_for()
        page.page_errors = errors
        yield page
        browser.close()


@pytest.fixture(scope="module")
def shots(artifacts_dir):
    folder = os.path.join(artifacts_dir, "apps")
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def facade(tmp_path_factory):
    """A real facade label map from the test split, as a PNG (what a person would upload)."""
    data = os.path.join(os.environ.get("KERAS_GEN_DATA", ""), "facades_128.npz")
    if not os.path.isfile(data):
        pytest.skip("no facades data")
    with np.load(data) as archive:
        image = archive["inputs_test"][3]
    path = str(tmp_path_factory.mktemp("upload") / "label_map.png")
    Image.fromarray(image).save(path)
    return path


def title(preset):
    """The sub-tab name of a shipped preset: its card's title."""
    from keras_gen.presets import resolve_preset

    return resolve_preset(preset)[1]["title"]


def open_tabs(page, *names):
    """Clicks the visible tab of each name in turn (nested tabs: outer first)."""
    for name in names:
        page.get_by_role("tab", name=name, exact=True).first.click()


def served_pixels(page, output_id, previous=None):
    """Waits for the picture of `#output_id` (a new one when `previous` src is given),
    fetches the file the browser shows and returns its pixels."""
    selector = f"#{output_id} img"
    page.wait_for_function(
        "([selector, previous]) => { const i = document.querySelector(selector);"
        " return i && i.complete && i.naturalWidth > 0 && i.src !== previous; }",
        arg=[selector, previous],
    )
    source = page.locator(selector).first.get_attribute("src")
    response = page.request.get(source)
    assert response.ok, (source, response.status)
    with Image.open(io.BytesIO(response.body())) as image:
        frames = getattr(image, "n_frames", 1)
        return np.asarray(image.convert("RGB"), dtype="float32"), frames, source


def assert_not_blank(pixels, what):
    # Blank: empty, or one flat colour. (The test models are trained for one
    # epoch, so the pictures need not look like digits yet.)
    colours = len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))
    assert pixels.size and pixels.std() > 2.0 and colours >= 2, \
        f"{what}: the picture is blank (std {pixels.std():.2f}, {colours} colours)"


def act(page, button_id, output_id):
    """Clicks `#button_id` and returns the new picture of `#output_id` (checked non-blank)."""
    image = page.locator(f"#{output_id} img")
    previous = image.first.get_attribute("src") if image.count() else None
    page.locator(f"#{button_id}").click()
    pixels, frames, _ = served_pixels(page, output_id, previous)
    assert_not_blank(pixels, output_id)
    return pixels, frames


def draw_seven(page, sketch_id):
    """Strokes a '7' on the sketchpad's canvas (again if the canvas was not ready to take it)."""
    # The brush is a pixel or two wide on a 28x28 model's canvas: a stroked 7
    # inks ~0.2 % of it, where an untouched canvas has none.
    blank = sketch_ink_fraction(page, sketch_id)
    for _ in range(3):
        brush = page.locator(f'#{sketch_id} button[aria-label="Brush"]')
        if brush.count():
            brush.first.click()
        canvas = page.locator(f"#{sketch_id} canvas").first
        canvas.wait_for(state="visible")
        page.wait_for_timeout(500)
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x - 90, y - 100)
        page.mouse.down()
        page.mouse.move(x + 80, y - 100, steps=15)  # the bar
        page.mouse.move(x - 10, y + 110, steps=20)  # the stem
        page.mouse.up()
        page.wait_for_timeout(500)
        if sketch_ink_fraction(page, sketch_id) > blank + INK:
            return
    raise AssertionError("the sketchpad took no strokes")


INK = 0.0005  # fraction of dark canvas pixels that counts as strokes


def sketch_ink_fraction(page, sketch_id):
    shot = page.locator(f"#{sketch_id} canvas").first.screenshot()
    grey = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype="float32")
    return float((grey < 100).mean())


def assert_sketch_has_ink(page, sketch_id):
    assert sketch_ink_fraction(page, sketch_id) > INK, "the sketchpad shows no strokes"


EXAMPLE_INK = 0.01  # a test digit drawn canvas-large inks several percent of it


def wait_for_ink(page, sketch_id, fraction):
    """Polls the sketchpad until `fraction` of it is dark: a loaded picture arrives
    after a server round trip, which a busy machine can stretch past any fixed wait."""
    inked = 0.0
    for _ in range(TIMEOUT_MS // 500):
        inked = sketch_ink_fraction(page, sketch_id)
        if inked > fraction:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the sketchpad shows {inked:.2%} ink, not the test digit (> {fraction:.0%})")


def shoot(page, shots, name):
    page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)


def test_page_has_no_local_paths_or_jargon(page, demo_bundles):
    text = page.locator("body").inner_text()
    bundles, _ = demo_bundles
    for bundle in bundles:
        assert bundle.path not in text
    for fragment in ("/tmp/", os.path.expanduser("~") + "/", "NHWC", ".onnx"):
        assert fragment not in text, fragment


def test_gan_tabs(page, shots):
    open_tabs(page, "GAN", title("dcgan_mnist"), "Sample")
    act(page, "gan-sample-button", "gan-sample-output")
    shoot(page, shots, "gan_sample")
    open_tabs(page, "Interpolate")
    act(page, "gan-interpolate-button", "gan-interpolate-output")
    pixels, frames, _ = served_pixels(page, "gan-interpolate-gif")
    assert frames > 2
    assert_not_blank(pixels, "GIF")
    open_tabs(page, "Latent arithmetic")
    act(page, "gan-arithmetic-button", "gan-arithmetic-output")
    open_tabs(page, title("cgan_mnist"), "Sample")
    act(page, "gan2-sample-button", "gan2-sample-output")
    open_tabs(page, "Interpolate")
    act(page, "gan2-interpolate-button", "gan2-interpolate-output")
    open_tabs(page, "Latent arithmetic")
    act(page, "gan2-arithmetic-button", "gan2-arithmetic-output")
    open_tabs(page, "Digit on demand")
    act(page, "gan2-digit-button", "gan2-digit-output")
    shoot(page, shots, "gan_digit")


def test_vae_tabs(page, shots, facade):
    open_tabs(page, "VAE", "Latent sliders")
    act(page, "vae-decode-button", "vae-decode-output")
    shoot(page, shots, "vae_decode")
    open_tabs(page, "Manifold")
    act(page, "vae-manifold-button", "vae-manifold-output")
    shoot(page, shots, "vae_manifold")
    open_tabs(page, "Reconstruct")
    page.locator("#vae-reconstruct-sketch canvas").first.wait_for(state="visible")
    page.locator("#vae-reconstruct-upload").wait_for(state="visible")
    draw_seven(page, "vae-reconstruct-sketch")
    assert_sketch_has_ink(page, "vae-reconstruct-sketch")
    act(page, "vae-reconstruct-button", "vae-reconstruct-output")
    shoot(page, shots, "vae_reconstruct")
    page.locator("#vae-reconstruct-upload input[type=file]").set_input_files(facade)
    page.locator("#vae-reconstruct-upload img").first.wait_for(state="visible")
    act(page, "vae-reconstruct-button", "vae-reconstruct-output")


def test_rbm_tabs(page, shots):
    open_tabs(page, "RBM / DBN", title("rbm_mnist"), "Gibbs completion")
    page.locator("#rbm-complete-button").click()
    page.get_by_text("empty", exact=False).first.wait_for()  # the error toast; the app is still up
    shoot(page, shots, "rbm_empty_sketch_message")
    draw_seven(page, "rbm-sketch")
    assert_sketch_has_ink(page, "rbm-sketch")
    act(page, "rbm-complete-button", "rbm-complete-output")
    shoot(page, shots, "rbm_completion")
    page.locator("#rbm-example-button").click()
    wait_for_ink(page, "rbm-sketch", EXAMPLE_INK)
    open_tabs(page, "Retrieval")
    act(page, "rbm-retrieve-button", "rbm-retrieve-output")
    open_tabs(page, "Hidden-unit filters")
    act(page, "rbm-filters-button", "rbm-filters-output")
    open_tabs(page, title("dbn_mnist"))
    page.locator("#rbm2-example-button").click()
    wait_for_ink(page, "rbm2-sketch", EXAMPLE_INK)
    open_tabs(page, "Gibbs completion")
    act(page, "rbm2-complete-button", "rbm2-complete-output")
    open_tabs(page, "Retrieval")
    act(page, "rbm2-retrieve-button", "rbm2-retrieve-output")
    open_tabs(page, "Hidden-unit filters")
    act(page, "rbm2-filters-button", "rbm2-filters-output")
    shoot(page, shots, "dbn_filters")


def test_image_to_image_tabs(page, shots, demo_bundles, facade):
    open_tabs(page, "Pix2Pix / CycleGAN")
    bundles, _ = demo_bundles
    if not any(bundle.family == "image_to_image" for bundle in bundles):
        page.locator("#image_to_image-missing").wait_for(state="visible")
        pytest.skip("no facades data: the tab shows its 'no model' message")
    open_tabs(page, title("pix2pix_facades"), "Translate an upload")
    page.locator("#image_to_image-upload input[type=file]").set_input_files(facade)
    page.locator("#image_to_image-upload img").first.wait_for(state="visible")
    act(page, "image_to_image-translate-button", "image_to_image-translate-output")
    shoot(page, shots, "pix2pix_translate_upload")
    open_tabs(page, "Test-set examples")
    act(page, "image_to_image-example-button", "image_to_image-example-output")
    open_tabs(page, "CycleGAN (facades, unpaired)", "Translate an upload")
    page.locator("#image_to_image2-examples img").first.click()  # a test-set photo
    page.locator("#image_to_image2-upload img").first.wait_for(state="visible")
    act(page, "image_to_image2-translate-button", "image_to_image2-translate-output")
    shoot(page, shots, "cyclegan_translate_example")
    open_tabs(page, "Test-set examples")
    page.get_by_label("label map → photo").last.check()
    act(page, "image_to_image2-example-button", "image_to_image2-example-output")
    shoot(page, shots, "cyclegan_examples")


def test_no_page_errors(page):
    # Runs last: any script error raised while the tabs above rendered.
    assert not page.page_errors, page.page_errors
