import os

import pytest

from keras_gen.export import export_part
from keras_gen.export import latency
from keras_gen.export import sample_inputs
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


def test_latency_times_keras_and_each_artifact(tmp_path, tensorflow_only):
    model, metadata = standins.dcgan_generator()
    artifacts = [export_part(model, format=fmt, output=tmp_path)["artifact"]
                 for fmt in ("onnx", "tflite")]
    rows = latency(model, artifacts, sample_inputs(model, metadata, count=2), runs=20, warmup=3)
    assert [row["runner"] for row in rows] == ["keras", "onnxruntime", "tflite"]
    for row in rows:
        assert row["median_ms"] > 0 and row["runs"] >= 20
        assert row["p10_ms"] <= row["median_ms"] <= row["p90_ms"]
    assert rows[1]["size_bytes"] == os.path.getsize(artifacts[0])
