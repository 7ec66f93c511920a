import hashlib
import json
import os

import numpy as np
import pytest

from keras_gen.export import export_model
from keras_gen.export import export_part
from keras_gen.export import load_runner
from keras_gen.export import read_sidecar
from keras_gen.export import sample_inputs
from keras_gen.export import verify
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")

QUANTIZATIONS = ("none", "float16", "dynamic", "int8")


def _representative(model, metadata):
    name = model.inputs[0].name
    if metadata["inputs"][name]["distribution"] != "image":
        return "latent"
    return sample_inputs(model, metadata, count=32, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
@pytest.mark.parametrize("builder", sorted(standins.BUILDERS))
def test_every_part_format_and_quantization_matches_keras(builder, fmt, tmp_path, tensorflow_only):
    model, metadata = standins.BUILDERS[builder]()
    results = export_model(model, (fmt,), QUANTIZATIONS, output=tmp_path,
                           representative_data={"generator": _representative(model, metadata)})
    for quantize, result in zip(QUANTIZATIONS, results):
        row = verify(result["artifact"], model, metadata)
        assert row["passed"], row
        assert row["flex_ops"] == []
        record = read_sidecar(result["artifact"])
        assert record["quantize"] == quantize and record["format"] == fmt
        assert [i["name"] for i in record["inputs"]] == [t.name for t in model.inputs]
        if fmt == "tflite":
            assert not any(op.startswith("Flex") for op in record["operators"])
    assert sorted(os.listdir(tmp_path)) == sorted(
        f"generator{'' if q == 'none' else '-' + q}.{fmt}{suffix}"
        for q in QUANTIZATIONS for suffix in ("", ".json"))


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


def test_sidecar_describes_inputs_outputs_and_source(tmp_path, tensorflow_only):
    model, metadata = standins.conditional_generator()
    path = str(tmp_path / "cgan.keras")
    model.save(path)
    result = export_part(path, "generator", "tflite", output=tmp_path)
    record = json.load(open(result["sidecar"]))
    assert result["sidecar"] == result["artifact"] + ".json"
    z, label = record["inputs"]
    assert (z["name"], z["shape"], z["dtype"]) == ("z", [1, 8], "float32")
    assert (label["name"], label["shape"], label["dtype"]) == ("label", [1], "int32")
    assert record["outputs"] == [{"name": "output", "shape": [1, 8, 8, 1], "dtype": "float32"}]
    assert record["keras_gen_version"]
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    assert record["source"]["hash"] == {"algorithm": "sha256", "of": "keras_file", "value": digest}
    assert record["source"]["path"] == os.path.abspath(path)


def test_weights_hash_follows_the_weights(tmp_path, tensorflow_only):
    model, _ = standins.vae_decoder()
    first = export_part(model, "decoder", "onnx", output=tmp_path)["record"]["source"]["hash"]
    again = export_part(model, "decoder", "onnx", output=tmp_path)["record"]["source"]["hash"]
    model.layers[-1].bias.assign(np.ones(64, "float32"))
    changed = export_part(model, "decoder", "onnx", output=tmp_path)["record"]["source"]["hash"]
    assert first == again and first["of"] == "weights" and changed != first


def test_parts_object_run_folder_and_default_paths(tmp_path, tensorflow_only):
    vae = standins.TinyVAE()
    result = export_part(vae, "encoder", "onnx", output=tmp_path)
    assert result["record"]["part"] == "encoder"
    assert result["record"]["inputs"][0]["distribution"] == "image"
    assert verify(result["artifact"], *vae.parts["encoder"])["passed"]

    run = tmp_path / "run"
    run.mkdir()
    model, _ = standins.dcgan_generator()
    model.save(str(run / "model.keras"))
    result = export_part(str(run), format="tflite")
    assert result["artifact"] == str(run / "export" / "generator.tflite")
    # The sidecar names the source, so verify finds the Keras model itself.
    assert verify(result["artifact"])["passed"]
    result = export_part(str(run / "model.keras"), format="onnx", quantize="float16")
    assert result["artifact"] == str(run / "model-generator-float16.onnx")


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_dynamic_batch(fmt, tmp_path, tensorflow_only):
    import keras

    model, metadata = standins.dcgan_generator()
    result = export_part(model, format=fmt, batch="dynamic", output=tmp_path)
    assert result["record"]["inputs"][0]["shape"] == [None, 8]
    inputs = sample_inputs(model, metadata, count=5)
    outputs = load_runner(result["artifact"])(inputs)[0]
    assert outputs.shape == (5, 16, 16, 1)
    np.testing.assert_allclose(outputs, keras.ops.convert_to_numpy(model(inputs["z"])), atol=1e-4)


def test_verify_fails_when_the_artifact_differs(tmp_path, tensorflow_only):
    model, metadata = standins.vae_decoder()
    result = export_part(model, "decoder", "tflite", output=tmp_path)
    assert verify(result["artifact"], model, metadata)["passed"]
    model.layers[-1].bias.assign(model.layers[-1].bias + 0.5)
    row = verify(result["artifact"], model, metadata)
    assert not row["passed"] and row["max_abs_diff"] > 1e-2


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
