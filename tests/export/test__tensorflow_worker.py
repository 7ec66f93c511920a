"""Models built on any backend export through a TensorFlow worker process.

On TensorFlow the same calls run in-process; on JAX and torch they prove
that a model trained there reaches ONNX and TFLite with Keras parity.
"""

import os

import numpy as np
import pytest

from keras_gen.export import export_model
from keras_gen.export import export_part
from keras_gen.export import verify
from keras_gen.models import GenerativeModel
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


class _Model(GenerativeModel):
    def __init__(self):
        super().__init__()
        self.parts = {"generator": standins.resnet_generator(), "decoder": standins.vae_decoder()}

    def export_parts(self):
        return self.parts


@pytest.mark.slow
def test_parts_with_custom_layers_export_from_any_backend(tmp_path):
    model = _Model()
    images = np.random.default_rng(0).uniform(-1, 1, (16, 16, 16, 3)).astype("float32")
    results = export_model(model, ("onnx", "tflite"), ("none", "int8"),
                           representative_data={"generator": images, "decoder": "latent"},
                           output=tmp_path)
    assert len(results) == 8
    for result in results:
        record = result["record"]
        assert record["source"]["hash"]["of"] == "weights"
        assert record["source"]["class"] == "_Model"
        row = verify(result["artifact"], *model.parts[record["part"]])
        assert row["passed"], row


@pytest.mark.slow
def test_conversion_errors_surface_and_leave_nothing(tmp_path):
    with pytest.raises(ValueError, match="Flex.*Cholesky"):
        export_part(standins.flex_model(), format="tflite", output=tmp_path)
    assert os.listdir(tmp_path) == []
