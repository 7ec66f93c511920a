"""`keras_gen.cli.commands`: train never damages a run (overwrite, failure, resume,
divergence); run commands refuse what is not a run."""

import os

from keras_gen.cli import main as cli
from keras_gen.cli import runs
from keras_gen.cli import training
from tests.cli.common import tiny_ae


def _interrupt_at_epoch_1(monkeypatch):
    """Makes the CLI's training stop with Ctrl-C at epoch 1; returns the real callbacks builder."""
    import keras

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    real = training.training_callbacks
    monkeypatch.setattr(training, "training_callbacks", lambda *a: real(*a) + [Interrupt()])
    return real


def test_run_folder_without_run_json(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path)]) == 2
    assert "run.json" in capsys.readouterr().err


def test_train_never_replaces_an_existing_run_unless_asked(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.keras").write_bytes(b"someone's model")
    assert cli.main(["train", "ae", "--output", str(run), "--epochs", "1"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (run / "model.keras").read_bytes() == b"someone's model"
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_a_failing_train_leaves_no_folder_and_the_old_run_intact(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text("{}")
    # Fails inside the family (bad data path) after the partial folder exists.
    assert cli.main(["train", "ae", "--data", str(tmp_path / "missing.npz"), "--output", str(run),
                     "--overwrite", "--epochs", "1"]) == 2
    assert "missing.npz" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["run"]
    assert os.listdir(run) == ["run.json"]


def test_resume_continues_an_interrupted_run_and_checks_its_arguments(tmp_path, monkeypatch,
                                                                      capsys):
    run = tmp_path / "run"
    real = _interrupt_at_epoch_1(monkeypatch)
    assert cli.main(tiny_ae(run, "--epochs", "3")) == 130
    assert "--resume" in capsys.readouterr().err
    partial = runs.interrupted_run(str(run))
    assert partial and not run.exists()
    # Another number of epochs is another run: refused, the partial folder kept.
    assert cli.main(tiny_ae(run, "--epochs", "4", "--resume")) == 2
    assert "--epochs=4 (the run used 3)" in capsys.readouterr().err
    monkeypatch.setattr(training, "training_callbacks", real)
    assert cli.main(tiny_ae(run, "--epochs", "3", "--resume")) == 0
    assert sorted(os.listdir(tmp_path)) == ["run"]
    assert not (run / runs.BACKUP_DIR).exists()
    assert runs.read_run(str(run))["status"] == "complete"


def test_a_damaged_backup_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    real = _interrupt_at_epoch_1(monkeypatch)
    assert cli.main(tiny_ae(run, "--epochs", "2")) == 130
    monkeypatch.setattr(training, "training_callbacks", real)
    backup = os.path.join(runs.interrupted_run(str(run)), runs.BACKUP_DIR)
    weights = [name for name in os.listdir(backup) if name.endswith(".h5")][0]
    with open(os.path.join(backup, weights), "r+b") as handle:
        handle.truncate(100)
    capsys.readouterr()
    assert cli.main(tiny_ae(run, "--epochs", "2", "--resume")) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "damaged" in err and weights in err, err


def test_a_diverged_run_is_written_marked_and_exits_1(tmp_path, capsys):
    import json

    run = tmp_path / "run"
    assert cli.main(tiny_ae(run, "--learning-rate", "1000", "--batch-size", "4")) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("keras-gen: diverged:"), err
    assert str(run) in err
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "diverged" and record["divergence"]["restored_step"] == 0
    assert json.loads((run / "metrics.json").read_text())["diverged"].startswith("Training diverged")


def test_tensorboard_asked_for_but_missing_is_one_line_and_leaves_nothing(tmp_path, monkeypatch,
                                                                          capsys):
    import keras_gen.callbacks.tensorboard_logger as logger

    monkeypatch.setattr(logger, "tensorboard_available", lambda: False)
    run = tmp_path / "run"
    assert cli.main(["train", "ae", "--epochs", "1", "--limit", "50", "--output", str(run),
                     "--tensorboard", "--verbose", "0"]) == 2
    assert "pip install tensorboard" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []
