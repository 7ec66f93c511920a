import os

import pytest

from keras_gen.export import export_part
from keras_gen.models import GenerativeModel
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


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
