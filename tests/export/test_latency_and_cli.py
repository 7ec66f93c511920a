import os
import subprocess
import sys

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


def test_cli_exports_and_verifies_a_run(tmp_path, capsys, tensorflow_only):
    from keras_gen.cli.main import main

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


def test_export_all_tool_exports_every_part_of_a_run(tmp_path, capsys, tensorflow_only):
    import importlib.util
    import json

    from keras_gen.models import VAE

    run = tmp_path / "run"
    run.mkdir()
    VAE.dense((16,), latent_dim=2, hidden_units=(8,)).save(str(run / "model.keras"))
    path = os.path.join(os.path.dirname(__file__), "..", "..", "export", "export_all.py")
    spec = importlib.util.spec_from_file_location("export_all", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main([str(run), "--formats", "onnx", "--quantize", "none,float16", "--latency"]) == 0
    out = capsys.readouterr().out
    assert "encoder.onnx" in out and "decoder-float16.onnx" in out and "onnxruntime" in out
    summary = json.load(open(run / "export" / "export_summary.json"))
    assert len(summary["verify"]) == 4 and all(row["passed"] for row in summary["verify"])
    assert {row["part"] for row in summary["latency"]} == {"encoder", "decoder"}
