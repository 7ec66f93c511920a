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


DEAD = 999999999  # a process id no process has


def _interrupted(tmp_path, pid=DEAD, backup=True):
    """The partial folder a killed `train` of tmp_path/run leaves."""
    folder = tmp_path / f".run.partial-{pid}"
    (folder / runs.BACKUP_DIR).mkdir(parents=True)
    (folder / runs.RUN_FILE).write_text('{"model": "ae"}')
    if backup:
        (folder / runs.BACKUP_DIR / "training_metadata.json").write_text('{"epoch": 1}')
    (folder / runs.BACKUP_DIR / f".tmp-backup-2.weights.h5-pid{pid}-abc.weights.h5").write_text("")
    return folder


def test_resume_adopts_the_partial_folder_of_a_killed_run(tmp_path):
    _interrupted(tmp_path)
    other = tmp_path / f".run.partial-{DEAD - 1}"  # killed before its first backup
    other.mkdir()
    assert runs.interrupted_run(str(tmp_path / "run")).endswith(f".run.partial-{DEAD}")
    with runs.new_run_folder(str(tmp_path / "run"), resume=True) as partial:
        assert partial.endswith(f".run.partial-{os.getpid()}")
        assert os.path.isfile(os.path.join(partial, runs.RUN_FILE))
        # The killed writer's temporary file went; the backup stayed.
        assert os.listdir(os.path.join(partial, runs.BACKUP_DIR)) == ["training_metadata.json"]
        assert sorted(os.listdir(tmp_path)) == [os.path.basename(partial)]
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_resume_without_an_interrupted_run_starts_afresh(tmp_path):
    with runs.new_run_folder(str(tmp_path / "run"), resume=True) as partial:
        assert os.listdir(partial) == []


def test_resume_of_a_finished_run_is_refused(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / runs.RUN_FILE).write_text("{}")
    with pytest.raises(ValueError, match="finished run"):
        with runs.new_run_folder(str(tmp_path / "run"), resume=True):
            pass


def test_a_fresh_train_removes_interrupted_runs(tmp_path, capsys):
    _interrupted(tmp_path)
    with runs.new_run_folder(str(tmp_path / "run")) as partial:
        assert os.listdir(partial) == []
    assert "--resume" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_a_run_being_written_by_a_live_process_is_refused(tmp_path):
    (tmp_path / f".run.partial-{os.getppid()}").mkdir()
    with pytest.raises(ValueError, match=f"process {os.getppid()}"):
        with runs.new_run_folder(str(tmp_path / "run")):
            pass


def test_a_failure_keeps_a_partial_folder_only_when_it_can_be_resumed(tmp_path):
    with pytest.raises(OSError):
        with runs.new_run_folder(str(tmp_path / "run")) as partial:
            raise OSError("disk full")
    assert os.listdir(tmp_path) == []
    with pytest.raises(OSError):
        with runs.new_run_folder(str(tmp_path / "run")) as partial:
            os.makedirs(os.path.join(partial, runs.BACKUP_DIR))
            for name in (runs.RUN_FILE, os.path.join(runs.BACKUP_DIR, "training_metadata.json")):
                with open(os.path.join(partial, name), "w") as handle:
                    handle.write("{}")
            raise OSError("disk full")
    assert runs.interrupted_run(str(tmp_path / "run")) == partial


def test_stale_temporary_files_are_removed_and_live_ones_kept(tmp_path):
    from keras_gen.utils import atomic_path

    stale = tmp_path / f".tmp-model.keras-pid{DEAD}-x1.keras"
    stale.write_text("half")
    with atomic_path(str(tmp_path / "samples.png")) as tmp:
        open(tmp, "w").close()
        live = os.path.basename(tmp)
        # Written by a live process (the parent) at the same moment: left alone.
        other = tmp_path / f".tmp-a.png-pid{os.getppid()}-x2.png"
        other.write_text("")
        assert runs.remove_stale_temp_files(str(tmp_path)) == [str(stale)]
        assert live in os.listdir(tmp_path)
    assert sorted(os.listdir(tmp_path)) == [other.name, "samples.png"]


def test_run_commands_never_replace_what_train_wrote(tmp_path):
    import argparse

    run = tmp_path / "run"
    (run / "progress").mkdir(parents=True)
    for name in ("samples.png", "progress/epoch_001.png"):
        (run / name).write_text("train's")
    assert runs.list_files(str(run)) == ["progress/epoch_001.png", "samples.png"]
    runs.write_json(str(run / runs.RUN_FILE), {"model": "gan", "files": runs.list_files(str(run))})
    args = argparse.Namespace(output=None, overwrite=False)
    with pytest.raises(ValueError, match=r"samples.png.*--overwrite"):
        runs.output_path(args, str(run), "samples.png")
    assert runs.output_path(args, str(run), "samples-seed0.png").endswith("samples-seed0.png")
    (run / "samples-seed0.png").write_text("sample's")  # not train's: may be replaced
    assert runs.output_path(args, str(run), "samples-seed0.png")
    args.overwrite = True
    assert runs.output_path(args, str(run), "samples.png").endswith("samples.png")
    # A run from before the record: every file in it counts as train's.
    runs.write_json(str(run / runs.RUN_FILE), {"model": "gan"})
    with pytest.raises(ValueError, match="samples-seed0.png"):
        runs.output_path(argparse.Namespace(output=None, overwrite=False), str(run),
                         "samples-seed0.png")


def test_write_json_is_atomic(tmp_path):
    path = tmp_path / "metrics.json"
    runs.write_json(str(path), {"a": 1.5})
    assert path.read_text().strip().startswith("{")
    with pytest.raises(TypeError):
        runs.write_json(str(path), {"bad": object()})
    # The failed write left the old file intact and no temporary file behind.
    assert '"a": 1.5' in path.read_text()
    assert os.listdir(tmp_path) == ["metrics.json"]
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_partial_folders_of_dead_processes_are_removed(tmp_path):
    stale = tmp_path / ".run.partial-999999999"
    stale.mkdir()
    runs.remove_stale_partials(str(tmp_path / "run"))
    assert not stale.exists()
