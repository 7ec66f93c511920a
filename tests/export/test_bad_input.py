import os

import numpy as np
import pytest

from keras_gen.export import export_part
from keras_gen.models import GenerativeModel
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


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


def test_bad_targets(tmp_path):
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(b"not a zip archive")
    with pytest.raises(ValueError, match="corrupt"):
        export_part(str(corrupt))
    with pytest.raises(ValueError, match="existing path"):
        export_part(str(tmp_path / "absent.keras"))
    other = tmp_path / "weights.h5"
    other.write_bytes(b"\x89HDF")
    with pytest.raises(ValueError, match=".keras file or a run folder"):
        export_part(str(other))
    with pytest.raises(ValueError, match="model.keras"):
        export_part(str(tmp_path))
    with pytest.raises(ValueError, match="Received: target of type int"):
        export_part(3)
    assert sorted(os.listdir(tmp_path)) == ["corrupt.keras", "weights.h5"]


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


def test_non_keras_gen_export_parts(tmp_path):
    class Broken(GenerativeModel):
        def export_parts(self):
            return {"generator": "not a model"}

    with pytest.raises(ValueError, match="tuple"):
        export_part(Broken(), output=tmp_path)


def test_export_parts_without_a_generative_model(tmp_path):
    # export_parts() is the GenerativeModel contract: look-alikes are refused.
    class LookAlike:
        def export_parts(self):
            return {"generator": standins.dcgan_generator()}

    with pytest.raises(ValueError, match="GenerativeModel.*Received: target of type LookAlike"):
        export_part(LookAlike(), output=tmp_path)
    assert os.listdir(tmp_path) == []
