import json
import os

import numpy as np
import pytest

from keras_gen.export import export_part
from keras_gen.export.inputs import run_data_inputs
from keras_gen.models import GenerativeModel
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


def test_representative_data_must_match_range_and_names(tmp_path):
    encoder, metadata = standins.vae_encoder()

    class Model(GenerativeModel):
        def export_parts(self):
            return {"encoder": (encoder, metadata)}

    with pytest.raises(ValueError, match="real images"):
        export_part(Model(), quantize="int8", representative_data="latent", output=tmp_path)
    with pytest.raises(ValueError, match=r"in \[0.0, 1.0\]"):
        export_part(Model(), quantize="int8", output=tmp_path,
                    representative_data=np.full((8, 64), 255, "float32"))
    archive = tmp_path / "data.npz"
    np.savez(archive, a=np.zeros((4, 64)), b=np.zeros((4, 64)))
    with pytest.raises(ValueError, match="named"):
        export_part(Model(), quantize="int8", representative_data=str(archive), output=tmp_path)
    assert os.listdir(tmp_path) == ["data.npz"]


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
