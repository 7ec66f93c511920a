"""The converters: inference mode is what is exported, Flex ops are refused and
found, and nothing of them is imported until an export runs."""

import os
import subprocess
import sys

import numpy as np
import pytest

from keras_gen.export import export_part
from keras_gen.export import load_runner
from keras_gen.export import sample_inputs
from keras_gen.export import verify
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


def test_importing_the_package_loads_no_converter():
    code = ("import sys, keras_gen, keras_gen.export; "
            "heavy = [m for m in ('onnx', 'onnxruntime', 'tf2onnx', 'ai_edge_litert', 'tensorflow') "
            "if m in sys.modules]; print(heavy); assert not heavy")
    environment = dict(os.environ, KERAS_BACKEND="jax")
    completed = subprocess.run([sys.executable, "-c", code], env=environment,
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_inference_mode_is_exported(fmt, tmp_path, tensorflow_only):
    import keras

    model, metadata = standins.unet_generator()
    result = export_part(model, "generator", fmt, output=tmp_path)
    inputs = sample_inputs(model, metadata, count=4)
    exported = load_runner(result["artifact"])(inputs)[0]
    inference = keras.ops.convert_to_numpy(model(inputs["image"], training=False))
    training = keras.ops.convert_to_numpy(model(inputs["image"], training=True))
    np.testing.assert_allclose(exported, inference, atol=1e-4)
    assert np.abs(exported - training).max() > 1e-2


def test_verify_fails_on_flex_ops(tmp_path, tensorflow_only):
    import keras
    import tensorflow as tf

    from keras_gen.export.inputs import input_specs
    from keras_gen.export.sidecar import build_sidecar
    from keras_gen.export.sidecar import write_sidecar

    model = standins.flex_model()
    metadata = {"inputs": {"x": {"distribution": "normal"}}, "output_range": None}
    with pytest.raises(ValueError, match="Flex.*Cholesky"):
        export_part(model, format="tflite", output=tmp_path)
    assert os.listdir(tmp_path) == []

    # An artifact made elsewhere with TF Select ops is caught by verify.
    saved = str(tmp_path / "saved")
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda x: {"output": model(x)},
                         input_signature=[tf.TensorSpec((1, 4), "float32", name="x")])
    archive.write_out(saved, verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(saved)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS,
                                           tf.lite.OpsSet.SELECT_TF_OPS]
    artifact = str(tmp_path / "flex.tflite")
    open(artifact, "wb").write(converter.convert())
    record = build_sidecar("generator", model, metadata, input_specs(model), "tflite", "none",
                           None, None)
    write_sidecar(artifact + ".json", record)
    from keras_gen.export.converters import tflite_operators

    assert any(op.startswith("Flex") for op in tflite_operators(artifact))
    row = verify(artifact, model, metadata)
    assert not row["passed"] and row["flex_ops"]
