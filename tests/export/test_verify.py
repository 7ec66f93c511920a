"""`verify` on the data a run was trained on, at batch 1, 7 and the rest."""

import json
import os

import numpy as np
import pytest

from keras_gen.export import export_part
from keras_gen.export import verify
from keras_gen.export.inputs import run_data_inputs
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


def test_run_data_inputs_pick_the_domain_of_each_direction(tmp_path):
    rng = np.random.default_rng(0)
    path = str(tmp_path / "domains.npz")
    np.savez(path, a_train=rng.integers(0, 100, (4, 8, 8, 3), dtype="uint8"),
             b_train=rng.integers(150, 255, (4, 8, 8, 3), dtype="uint8"),
             a_test=np.zeros((5, 8, 8, 3), "uint8"), b_test=np.full((3, 8, 8, 3), 255, "uint8"))
    os.makedirs(tmp_path / "run")
    source = str(tmp_path / "run" / "model.keras")
    with open(tmp_path / "run" / "run.json", "w") as handle:
        json.dump({"args": {"data": path}}, handle)
    model, metadata = standins.resnet_generator(size=4)  # image input, range [-1, 1]
    forward, description = run_data_inputs(source, "generator", model, metadata)
    backward, other = run_data_inputs(source, "generator_reverse", model, metadata)
    assert forward["image"].shape == (5, 4, 4, 3) and np.all(forward["image"] == -1.0)  # resized to the input
    assert backward["image"].shape == (3, 4, 4, 3) and np.all(backward["image"] == 1.0)
    assert "second domain" in other and "second domain" not in description
    # No run record, or a noise input: nothing to feed.
    assert run_data_inputs(str(tmp_path / "model.keras"), "generator", model, metadata) is None
    decoder, decoder_metadata = standins.vae_decoder()
    assert run_data_inputs(source, "decoder", decoder, decoder_metadata) is None
