"""The RBM and DBN tabs: completion, retrieval, filters, examples (served and direct)."""

import os

import numpy as np
import pytest

gradio_client = pytest.importorskip("gradio_client")

from tests.apps.served import bundle_of  # noqa: E402
from tests.apps.served import picture  # noqa: E402
from tests.apps.served import sketch_value  # noqa: E402

# The served endpoints run under TensorFlow only; the RBMDemo tests below read
# the exported run directly, on JAX too.
pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")


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


@pytest.mark.backends("tensorflow", "jax", reason="reads the exported run, also from JAX")
def test_rbm_filters_read_back_the_kernel(demo_bundles):
    from keras_gen.apps.rbm_tab import RBMDemo
    from keras_gen.models import load_model

    bundle = bundle_of(demo_bundles[0], "RBM")
    model = load_model(os.path.join(bundle.path, "model.keras"), compile=False)
    kernel = np.asarray(model.kernel)
    weights = RBMDemo(bundle).hidden_weights(10)
    np.testing.assert_allclose(weights, kernel.T[:10], atol=2e-3)


@pytest.mark.backends("tensorflow", "jax", reason="reads the exported run, also from JAX")
def test_rbm_completion_keeps_the_known_region(demo_bundles):
    from keras_gen.apps.rbm_tab import RBMDemo

    demo = RBMDemo(bundle_of(demo_bundles[0], "RBM"))
    sketch = demo.example_sketch(4)
    frames = list(demo.complete_steps(sketch, "top half", 30, 0))
    assert 1 < len(frames) <= 12
    again = list(demo.complete_steps(sketch, "top half", 30, 0))
    np.testing.assert_array_equal(frames[-1][0], again[-1][0])  # seeded
    completed = frames[-1][0].astype("float32")
    first = frames[0][0].astype("float32")
    half = completed.shape[0] // 2
    np.testing.assert_array_equal(completed[: half - 8], first[: half - 8])
