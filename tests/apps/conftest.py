"""One launched demo app per test session: the shipped presets (served from
the artifacts packed with them), a tiny CycleGAN run and a tiny Vid2Vid run
(exported into a temporary cache), on 127.0.0.1 and a free port, shared by the gradio_client
and browser tests.

The app serves ONNX artifacts, which are the same whatever backend trained
the model, so the app tests run under TensorFlow only; under JAX and torch
`test_runs.py` checks the one backend-specific step (exporting from a
TensorFlow subprocess).

Set `KERAS_GEN_TEST_CACHE` to a folder to keep the trained models between
local runs (the default is a fresh temporary folder per session)."""

import os
import socket

import numpy as np
import pytest

from tests.apps.served import write

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tiny_cyclegan_run(folder):
    """A one-epoch 32-px CycleGAN run (no preset ships one): the demo's second image-to-image model."""
    import json

    from keras_gen.data import load_unpaired
    from keras_gen.data import resize_images
    from keras_gen.models.cyclegan import CycleGAN
    from tests.conftest import SHARED_DATA

    path = os.path.join(SHARED_DATA, "cyclegan_facades_128.npz")
    if not os.path.isfile(path):
        return None
    (a, b), _ = load_unpaired(path, limit=4)
    a, b = resize_images(a, (32, 32)), resize_images(b, (32, 32))
    model = CycleGAN(image_size=32, generator_filters=8, discriminator_filters=8, residual_blocks=3, seed=0)
    model.compile()
    model.fit(a, b, epochs=1, batch_size=1, verbose=0)
    os.makedirs(folder)
    model.save(os.path.join(folder, "model.keras"))
    with open(os.path.join(folder, "run.json"), "w") as handle:
        json.dump({"model": "cyclegan", "title": "CycleGAN (facades, unpaired)", "args": {"data": path}}, handle)
    return folder


def tiny_vid2vid_run(folder):
    """A one-epoch 16-px Vid2Vid run on moving digits (no preset ships one): the video tab's model."""
    import json

    from keras_gen.data import load_digits
    from keras_gen.data import moving_digits
    from keras_gen.models.vid2vid import Vid2Vid

    data = moving_digits(count=4, frames=3, size=16, source=load_digits(), seed=0)
    model = Vid2Vid(image_size=16, generator_filters=4, generator_blocks=1, discriminator_filters=4)
    model.compile()
    model.fit({key: data[key] for key in ("maps", "flow", "visible")}, data["frames"], epochs=1,
              batch_size=2, verbose=0)
    os.makedirs(folder)
    model.save(os.path.join(folder, "model.keras"))
    with open(os.path.join(folder, "run.json"), "w") as handle:
        json.dump({"model": "vid2vid", "title": "Vid2Vid (moving digits)",
                   "args": {"data": "digits"}}, handle)
    return folder


@pytest.fixture(scope="session")
def demo_bundles(tmp_path_factory):
    import keras

    from keras_gen.apps.defaults import default_runs
    from keras_gen.apps.launcher import collect_runs

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the demo serves backend-independent ONNX artifacts: app tests run under TensorFlow")
    cache = os.environ.get("KERAS_GEN_TEST_CACHE") or str(tmp_path_factory.mktemp("keras-gen-cache"))
    previous = os.environ.get("KERAS_GEN_CACHE")
    os.environ["KERAS_GEN_CACHE"] = cache
    try:
        runs, _ = default_runs(log=lambda line: None)
        cyclegan = tiny_cyclegan_run(os.path.join(cache, "cyclegan"))
        video = tiny_vid2vid_run(os.path.join(cache, "vid2vid"))
        bundles, notes = collect_runs(runs + ([cyclegan] if cyclegan else []) + [video],
                                      log=lambda line: None)
    finally:
        if previous is None:
            os.environ.pop("KERAS_GEN_CACHE", None)
        else:
            os.environ["KERAS_GEN_CACHE"] = previous
    return bundles, notes


@pytest.fixture(scope="session")
def demo_url(demo_bundles):
    from keras_gen.apps.launcher import build_app
    from keras_gen.apps.launcher import launch

    bundles, notes = demo_bundles
    port = free_port()
    app = launch(build_app(bundles, notes), host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="session")
def client(demo_url):
    from gradio_client import Client

    return Client(demo_url, verbose=False)


@pytest.fixture(scope="session")
def artifacts_dir():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def digit_sketch(tmp_path_factory):
    """A '7' drawn dark on white, RGBA (what the browser sketchpad sends)."""
    canvas = np.full((280, 280, 4), 255, "uint8")
    canvas[40:70, 60:220, :3] = 0  # the bar
    for row in range(70, 250):
        column = 220 - (row - 70) // 2
        canvas[row, column - 15: column + 15, :3] = 0
    return write(tmp_path_factory.mktemp("sketch"), "seven.png", canvas)
