import os
import zipfile

import h5py
import numpy as np
import pytest

from keras_gen.presets.packing import pack_preset
from keras_gen.presets.packing import save_stripped
from tests.presets.conftest import weights_of


def _float_dtypes(model_file, tmp_path):
    with zipfile.ZipFile(model_file) as archive:
        archive.extract("model.weights.h5", tmp_path)
    dtypes = set()
    with h5py.File(os.path.join(tmp_path, "model.weights.h5")) as weights:
        weights.visititems(lambda name, item: dtypes.add(item.dtype.name) if isinstance(item, h5py.Dataset) else None)
    return {dtype for dtype in dtypes if dtype.startswith("float")}


def test_float16_storage_loads_as_float32_close_to_the_original(tiny_run, tmp_path):
    from keras_gen.models import load_model

    run, model = tiny_run
    target = str(tmp_path / "half.keras")
    save_stripped(os.path.join(run, "model.keras"), target, float16=True)
    assert _float_dtypes(target, tmp_path) == {"float16"}
    loaded = load_model(target)
    for a, b in zip(weights_of(loaded), weights_of(model)):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


def test_the_optimizer_is_dropped(tmp_path):
    import keras

    from keras_gen.models import RBM

    model = RBM(3, seed=0)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5))
    model.fit(np.ones((8, 6), "float32"), epochs=1, batch_size=4, verbose=0)
    model.save(str(tmp_path / "trained.keras"))
    save_stripped(str(tmp_path / "trained.keras"), str(tmp_path / "stripped.keras"))
    with zipfile.ZipFile(tmp_path / "stripped.keras") as archive:
        archive.extract("model.weights.h5", tmp_path / "s")
    with h5py.File(tmp_path / "s" / "model.weights.h5") as weights:
        assert "optimizer" not in weights


def test_pack_builds_a_complete_folder_or_nothing(tiny_run, tmp_path):
    run, _ = tiny_run
    folder = str(tmp_path / "preset")

    def fail(staging):
        raise RuntimeError("export failed")

    with pytest.raises(RuntimeError):
        pack_preset(run, folder, {"name": "p", "class": "RBM", "model": "rbm"}, before_card=fail)
    assert sorted(os.listdir(tmp_path)) == ["run"]
    card = pack_preset(run, folder, {"name": "p", "class": "RBM", "model": "rbm"},
                       before_card=lambda staging: open(os.path.join(staging, "extra.txt"), "w").close())
    assert sorted(card["files"]) == ["data.json", "extra.txt", "metrics.json", "model.keras", "run.json"]
    assert card["storage"]["weights"] == "float16"
    with pytest.raises(ValueError, match="new path"):
        pack_preset(run, folder, {"name": "p"})
