import json
import os
import pathlib

import keras
import pytest

from keras_gen.export.inputs import input_specs
from keras_gen.export.parts import resolve_parts
from keras_gen.export.parts import source_hash
from keras_gen.export.sidecar import build_sidecar
from keras_gen.export.sidecar import read_sidecar
from keras_gen.export.sidecar import sidecar_path
from keras_gen.export.sidecar import write_sidecar


def _generator(latent=5, outputs=7):
    z = keras.Input((latent,), name="z")
    return keras.Model(z, keras.layers.Dense(outputs, activation="tanh")(z))


def test_sidecar_path_appends_json():
    assert sidecar_path("a/b/discriminator.tflite") == "a/b/discriminator.tflite.json"
    assert sidecar_path(pathlib.Path("x.onnx")) == "x.onnx.json"


def test_build_sidecar_describes_inputs_outputs_and_source(tmp_path):
    model = _generator()
    metadata = resolve_parts(model)[0]["generator"][1]
    specs = input_specs(model, batch=1)
    source = tmp_path / "model.keras"
    record = build_sidecar("generator", model, metadata, specs, "tflite", "float16",
                           str(source), source_hash(model), {"size_bytes": 123})
    assert record["part"] == "generator"
    assert record["format"] == "tflite" and record["quantize"] == "float16"
    assert [entry["name"] for entry in record["inputs"]] == ["z"]
    assert record["inputs"][0]["shape"] == [1, 5]
    assert record["outputs"][0]["shape"] == [1, 7]
    assert record["inputs"][0]["distribution"] == "normal"
    assert record["output_range"] is None  # a plain Functional model declares none
    assert record["source"]["path"] == os.path.abspath(str(source))
    assert record["source"]["class"] == "Functional"
    assert record["keras_version"] == keras.__version__
    assert record["size_bytes"] == 123
    json.dumps(record)  # JSON-ready


def test_write_then_read_round_trip(tmp_path):
    artifact = tmp_path / "generator.onnx"
    record = {"part": "generator", "inputs": [{"name": "z", "shape": [None, 8]}], "opset": 17}
    path = write_sidecar(sidecar_path(artifact), record)
    assert path == str(artifact) + ".json"
    assert read_sidecar(artifact) == record
    assert read_sidecar(path) == record
    assert [p.name for p in tmp_path.iterdir()] == ["generator.onnx.json"]  # no temporary left


def test_write_sidecar_leaves_no_partial_file_on_failure(tmp_path):
    path = tmp_path / "generator.onnx.json"
    with pytest.raises(TypeError):
        write_sidecar(str(path), {"not_json": object()})
    assert list(tmp_path.iterdir()) == []


def test_read_sidecar_missing_raises(tmp_path):
    artifact = tmp_path / "generator.tflite"
    artifact.write_bytes(b"model")
    with pytest.raises(ValueError, match=r"sidecar 'generator.tflite.json' next to it\. Received: artifact="):
        read_sidecar(artifact)
