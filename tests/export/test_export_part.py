import hashlib
import json
import os

import numpy as np
import pytest

from keras_gen.export import export_model
from keras_gen.export import export_part
from keras_gen.export import read_sidecar
from keras_gen.export import sample_inputs
from keras_gen.export import verify
from keras_gen.models import GenerativeModel
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


def test_sidecar_describes_inputs_outputs_and_source(tmp_path, tensorflow_only):
    model, metadata = standins.conditional_generator()
    path = str(tmp_path / "cgan.keras")
    model.save(path)
    result = export_part(path, "generator", "tflite", output=tmp_path)
    record = json.load(open(result["sidecar"]))
    assert result["sidecar"] == result["artifact"] + ".json"
    z, label = record["inputs"]
    assert (z["name"], z["shape"], z["dtype"]) == ("z", [None, 8], "float32")  # any batch by default
    assert (label["name"], label["shape"], label["dtype"]) == ("label", [None], "int32")
    assert record["outputs"] == [{"name": "output", "shape": [None, 8, 8, 1], "dtype": "float32"}]
    assert record["batch"] == "dynamic"
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


@pytest.fixture
def generator():
    return standins.dcgan_generator()[0]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"format": "pb"}, "`format`.*Received: format='pb'"),
        ({"quantize": "int4"}, "`quantize`.*Received: quantize='int4'"),
        ({"quantize": "int8"}, "`representative_data`.*int8"),
        ({"batch": 4}, "`batch`.*Received: batch=4"),
        ({"part": "encoder"}, "one of the model's parts.*Received: part='encoder'"),
        ({"quantize": "int8", "representative_data": np.zeros((10, 3), "float32")},
         r"shape \(N,\) \+ \(8,\)"),
    ],
)
def test_bad_options_raise_and_write_nothing(generator, options, message, tmp_path):
    parts = {"generator": (generator, {"inputs": {}, "output_range": [-1, 1]})}

    class Model(GenerativeModel):
        def export_parts(self):
            return parts

    with pytest.raises(ValueError, match=message):
        export_part(Model(), **{"part": "generator", "output": tmp_path, **options})
    assert os.listdir(tmp_path) == []


def test_missing_folder_and_wrong_extension(generator, tmp_path):
    with pytest.raises(ValueError, match="existing folder"):
        export_part(generator, output=tmp_path / "missing" / "g.onnx")
    with pytest.raises(ValueError, match="end with '.tflite'"):
        export_part(generator, format="tflite", output=tmp_path / "g.onnx")
    with pytest.raises(ValueError, match="Expected `output`"):
        export_part(generator)
    assert os.listdir(tmp_path) == []


def test_failed_conversion_leaves_nothing(generator, tmp_path, monkeypatch, tensorflow_only):
    from keras_gen.export import converters

    def broken(model, path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half an artifact")
        raise ValueError("conversion failed")

    monkeypatch.setattr(converters, "convert_onnx", broken)
    monkeypatch.setattr(converters, "convert_tflite", broken)
    for fmt in ("onnx", "tflite"):
        with pytest.raises(ValueError, match="conversion failed"):
            export_part(generator, format=fmt, output=tmp_path)
    assert os.listdir(tmp_path) == []
