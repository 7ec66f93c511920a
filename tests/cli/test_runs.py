import json
import os

import numpy as np
import pytest

from keras_gen.cli import runs


def test_run_records_round_trip(tmp_path):
    runs.write_json(str(tmp_path / runs.RUN_FILE), {"model": "vae", "args": {"data": "digits"}})
    assert runs.read_run(str(tmp_path))["model"] == "vae"
    runs.write_data_record(str(tmp_path), {"image_shape": (8, 8, 1), "scale": "unit"})
    assert runs.read_data_record(str(tmp_path)) == {"image_shape": [8, 8, 1], "scale": "unit"}
    assert runs.image_shape(str(tmp_path)) == (8, 8, 1)
    runs.update_metrics(str(tmp_path), {"a": 1.0})
    runs.update_metrics(str(tmp_path), {"b": 2.0})
    assert json.loads((tmp_path / runs.METRICS_FILE).read_text()) == {"a": 1.0, "b": 2.0}


def test_runs_written_before_data_json_still_read(tmp_path):
    (tmp_path / "data_info.json").write_text('{"image_shape": [28, 28, 1]}')
    assert runs.image_shape(str(tmp_path)) == (28, 28, 1)
    assert runs.image_shape(str(tmp_path / "nothing"), default=(8, 8)) == (8, 8)


def test_damaged_or_missing_records_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="run.json"):
        runs.read_run(str(tmp_path))
    (tmp_path / runs.RUN_FILE).write_text("{broken")
    with pytest.raises(ValueError, match="valid JSON"):
        runs.read_run(str(tmp_path))


def test_load_split_flattens_and_reports_the_image_shape():
    x, y, shape = runs.load_split("digits", "test", flatten=True, limit=10)
    assert x.shape == (10, 64) and shape == (8, 8, 1) and len(y) == 10
    x, _, _ = runs.load_split("digits", "test", flatten=False, limit=10)
    assert x.shape == (10, 8, 8, 1)


def test_new_run_folder_appears_only_when_complete(tmp_path):
    run = tmp_path / "run"
    with runs.new_run_folder(str(run)) as partial:
        assert not run.exists() and os.path.basename(partial).startswith(".run.partial-")
        (tmp_path / os.path.basename(partial) / "model.keras").write_text("new")
    assert (run / "model.keras").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_overwrite_replaces_only_after_success(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.keras").write_text("old")
    with pytest.raises(ValueError, match="--overwrite"):
        with runs.new_run_folder(str(run)):
            pass
    with pytest.raises(RuntimeError):
        with runs.new_run_folder(str(run), overwrite=True) as partial:
            open(os.path.join(partial, "model.keras"), "w").write("half")
            raise RuntimeError("training failed")
    assert (run / "model.keras").read_text() == "old"
    with runs.new_run_folder(str(run), overwrite=True) as partial:
        open(os.path.join(partial, "model.keras"), "w").write("new")
    assert (run / "model.keras").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="a file"):
        runs.check_output(str(tmp_path / "file"))


def test_save_and_load_a_run_model(tmp_path):
    from keras_gen.models import RBM

    model = RBM(4, seed=0)
    model.build((None, 6))
    runs.save_model(model, str(tmp_path))
    loaded = runs.load_run_model(str(tmp_path))
    x = np.random.default_rng(0).random((3, 6)).astype("float32")
    np.testing.assert_array_equal(loaded.transform(x), model.transform(x))
