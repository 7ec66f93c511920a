"""End to end in a real headless Chromium (Debian's `chromium`, driven by
Playwright): open each tab, click its button, check that an image appears,
and that bad input shows a readable message. Screenshots go to
tests/artifacts/apps/."""

import os
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts"),
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.isfile(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (.ci/system-packages installs it)"),
]


@pytest.fixture(scope="module")
def page(demo_url):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(demo_url)
        page.get_by_text("keras-gen demo").first.wait_for()
        yield page
        browser.close()


@pytest.fixture(scope="module")
def shots(artifacts_dir):
    folder = os.path.join(artifacts_dir, "apps")
    os.makedirs(folder, exist_ok=True)
    return folder


def open_tab(page, name):
    page.get_by_role("tab", name=name, exact=True).first.click()


def click_and_wait_for_image(page, button_id, output_id):
    page.locator(f"#{button_id}").click()
    image = page.locator(f"#{output_id} img").first
    image.wait_for(state="visible")
    page.wait_for_function(
        "(selector) => { const i = document.querySelector(selector); return i && i.complete && i.naturalWidth > 0; }",
        arg=f"#{output_id} img",
    )
    return image


def draw_seven(page, sketch_id):
    """Strokes a '7' on the sketchpad's drawing area (280 px, centred in its canvas)."""
    page.locator(f'#{sketch_id} button[aria-label="Brush"]').click()
    canvas = page.locator(f"#{sketch_id} canvas").first
    canvas.wait_for(state="visible")
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 90, y - 100)
    page.mouse.down()
    page.mouse.move(x + 80, y - 100, steps=15)  # the bar
    page.mouse.move(x - 10, y + 110, steps=20)  # the stem
    page.mouse.up()


def test_gan_tab(page, shots):
    open_tab(page, "GAN")
    click_and_wait_for_image(page, "gan-sample-button", "gan-sample-output")
    page.screenshot(path=os.path.join(shots, "gan_sample.png"), full_page=True)


def test_vae_tab(page, shots):
    open_tab(page, "VAE")
    click_and_wait_for_image(page, "vae-decode-button", "vae-decode-output")
    page.screenshot(path=os.path.join(shots, "vae_decode.png"), full_page=True)


def test_rbm_tab_empty_sketch_then_drawing(page, shots):
    open_tab(page, "RBM / DBN")
    page.locator("#rbm-complete-button").click()
    page.get_by_text("empty", exact=False).first.wait_for()  # the error toast, app still up
    page.screenshot(path=os.path.join(shots, "rbm_empty_sketch_message.png"), full_page=True)
    draw_seven(page, "rbm-sketch")
    click_and_wait_for_image(page, "rbm-complete-button", "rbm-complete-output")
    page.screenshot(path=os.path.join(shots, "rbm_completion.png"), full_page=True)


def test_image_to_image_tab(page, shots, demo_bundles):
    open_tab(page, "Pix2Pix / CycleGAN")
    bundles, _ = demo_bundles
    if not any(bundle.family == "image_to_image" for bundle in bundles):
        page.locator("#image_to_image-missing").wait_for(state="visible")
        page.screenshot(path=os.path.join(shots, "image_to_image_missing.png"), full_page=True)
        pytest.skip("no facades data: the tab shows its 'no model' message")
    open_tab(page, "Test-set examples")
    click_and_wait_for_image(page, "image_to_image-example-button", "image_to_image-example-output")
    page.screenshot(path=os.path.join(shots, "image_to_image_example.png"), full_page=True)
