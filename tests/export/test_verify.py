"""`verify` on the data a run was trained on, at batch 1, 7 and the rest."""

import json

import pytest

from keras_gen.export import export_part
from keras_gen.export import verify
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


def test_verify_feeds_a_runs_test_split(tmp_path, tensorflow_only):
    from keras_gen.models import VAE

    run = tmp_path / "run"
    run.mkdir()
    VAE.dense((64,), latent_dim=2, hidden_units=(8,), seed=0).save(str(run / "model.keras"))
    (run / "run.json").write_text(json.dumps({"model": "vae", "args": {"data": "digits"}}))
    encoder = export_part(str(run), "encoder", "onnx")
    row = verify(encoder["artifact"], count=20)
    assert row["passed"], row
    assert row["inputs"] == "test split of digits, 20 samples" and row["batch_sizes"] == [1, 7, 12]
    decoder = export_part(str(run), "decoder", "tflite")
    row = verify(decoder["artifact"], count=20)  # noise-driven: draws from the prior
    assert row["passed"] and row["inputs"].startswith("random draws")


def test_verify_fails_when_the_artifact_differs(tmp_path, tensorflow_only):
    model, metadata = standins.vae_decoder()
    result = export_part(model, "decoder", "tflite", output=tmp_path)
    assert verify(result["artifact"], model, metadata)["passed"]
    model.layers[-1].bias.assign(model.layers[-1].bias + 0.5)
    row = verify(result["artifact"], model, metadata)
    assert not row["passed"] and row["max_abs_diff"] > 1e-2
