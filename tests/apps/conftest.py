"""One launched demo app per test session: tiny one-epoch default models
(trained and exported into a temporary cache), served on 127.0.0.1 and a
free port, shared by the gradio_client and browser tests.

The app serves ONNX artifacts, which are the same whatever backend trained
the model, so the app tests run under TensorFlow only; under JAX and torch
`test_runs.py` checks the one backend-specific step (exporting from a
TensorFlow subprocess)."""

import os
import socket

import pytest

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def demo_bundles(tmp_path_factory):
    import keras

    from keras_gen.apps.launcher import collect_runs

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the demo serves backend-independent ONNX artifacts: app tests run under TensorFlow")
    cache = str(tmp_path_factory.mktemp("keras-gen-cache"))
    previous = os.environ.get("KERAS_GEN_CACHE")
    os.environ["KERAS_GEN_CACHE"] = cache
    try:
        bundles, notes = collect_runs([], quick=True, log=lambda line: None)
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
    app = launch(build_app(bundles, notes), host="127.0.0.1", port=port, concurrency=4, block=False)
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
