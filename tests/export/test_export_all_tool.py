"""export/export_all.py, the tool at the top of the repository that exports every part of a run."""

import os

import pytest

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


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
