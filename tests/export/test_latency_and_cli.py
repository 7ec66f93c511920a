import os
import subprocess
import sys

import pytest

from keras_gen.export import export_part
from keras_gen.export import latency
from keras_gen.export import sample_inputs
from tests.export import standins


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


def test_cli_exports_and_verifies_a_run(tmp_path, capsys, tensorflow_only):
    from keras_gen.cli import main

    run = tmp_path / "run"
    run.mkdir()
    standins.dcgan_generator()[0].save(str(run / "model.keras"))
    status = main(["export", str(run), "--part", "generator", "--format", "tflite",
                   "--quantize", "int8", "--representative-data", "latent", "--verify"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "generator-int8.tflite" in out and "PASS" in out
    assert sorted(os.listdir(run / "export")) == ["generator-int8.tflite",
                                                  "generator-int8.tflite.json"]
    status = main(["export", str(run), "--format", "onnx", "--quantize", "int8"])
    assert status == 2
    assert "representative_data" in capsys.readouterr().err


def test_importing_the_package_loads_no_converter():
    code = ("import sys, keras_gen, keras_gen.export; "
            "heavy = [m for m in ('onnx', 'onnxruntime', 'tf2onnx', 'ai_edge_litert', 'tensorflow') "
            "if m in sys.modules]; print(heavy); assert not heavy")
    environment = dict(os.environ, KERAS_BACKEND="jax")
    completed = subprocess.run([sys.executable, "-c", code], env=environment,
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
