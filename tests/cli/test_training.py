import argparse
import csv
import os

import keras
import pytest

from keras_gen.callbacks.divergence_guard import DivergenceGuard
from keras_gen.callbacks.history_csv import HistoryCSV
from keras_gen.callbacks.training_curves import TrainingCurves
from keras_gen.cli import main as cli
from keras_gen.cli.training import training_callbacks


def test_every_run_gets_a_divergence_guard(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callbacks = training_callbacks(argparse.Namespace(verbose=0), str(tmp_path), model)
    assert any(isinstance(callback, DivergenceGuard) for callback in callbacks)
    assert all(isinstance(callback, keras.callbacks.Callback) for callback in callbacks)


def test_every_run_keeps_a_training_record(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callbacks = training_callbacks(argparse.Namespace(verbose=0, tensorboard=False), str(tmp_path),
                                   model)
    kinds = {type(callback) for callback in callbacks}
    assert {HistoryCSV, TrainingCurves} <= kinds
    assert not any(type(callback).__name__ == "TensorBoardLogger" for callback in callbacks)


def _history(run):
    with open(os.path.join(run, "history.csv")) as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_pretraining_and_training_make_one_record(tmp_path):
    run = str(tmp_path / "run")
    assert cli.main(["train", "stacked-ae", "--data", "digits", "--layer-sizes", "8,4",
                     "--pretrain-epochs", "2", "--epochs", "1", "--limit", "100",
                     "--output", run, "--verbose", "0"]) == 0
    rows = _history(run)
    assert [(row["stage"], row["epoch"]) for row in rows] == [
        ("pretrain_level_0", "1"), ("pretrain_level_0", "2"),
        ("pretrain_level_1", "1"), ("pretrain_level_1", "2"), (rows[-1]["stage"], "1")]
    assert rows[-1]["val_loss"] and not rows[0]["val_loss"]  # validation in the last stage only
    assert os.path.getsize(os.path.join(run, "curves.png")) > 0


@pytest.mark.slow
def test_without_tensorboard(tmp_path):
    run = str(tmp_path / "run")
    assert cli.main(["train", "rbm", "--data", "digits", "--epochs", "2", "--hidden-units", "8",
                     "--limit", "100", "--no-tensorboard", "--output", run, "--verbose", "0"]) == 0
    assert not os.path.exists(os.path.join(run, "tensorboard"))
    assert [row["epoch"] for row in _history(run)] == ["1", "2"]
    assert "train_pseudo_likelihood" not in _history(run)[0]


@pytest.mark.slow
def test_dbm_pretraining_is_recorded_and_pictured(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = str(tmp_path / "run")
    assert cli.main(["train", "dbm", "--data", "digits", "--hidden-units", "16,8",
                     "--pretrain-epochs", "1", "--epochs", "2", "--limit", "200",
                     "--persistent-chains", "10", "--picture-every", "2",
                     "--output", run, "--verbose", "0"]) == 0
    stages = [row["stage"] for row in _history(run)]
    assert stages[:2] == ["pretrain_bottom", "pretrain_top"] and len(stages) == 4
    events = EventAccumulator(os.path.join(run, "tensorboard", "train"), size_guidance={"images": 0})
    events.Reload()
    # A picture at the end of each pretraining fit and every 2nd joint epoch.
    assert [image.step for image in events.Images("samples")] == [1, 2, 4]
