"""`keras_gen.cli.errors`: every failure reaches the user as one line and an exit status."""

import errno
import os

import pytest

from keras_gen.cli import errors
from keras_gen.cli import main as cli
from tests.cli.common import snapshot
from tests.cli.common import tiny_ae


@pytest.mark.parametrize("argv, expected", [
    (["trian"], "did you mean 'train'?"),
    (["train", "rbn"], "did you mean 'rbm'?"),
    (["train", "no-such-model"], "unknown choice 'no-such-model'"),
    (["sample", "run", "--cuont", "3"], "did you mean '--count'?"),
])
def test_unknown_command_or_option_is_one_line_with_the_closest(argv, expected, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err
    assert len(err.splitlines()) == 1


def test_disk_full_while_saving_is_one_line_and_leaves_the_old_run(finished_run, tmp_path,
                                                                   monkeypatch, capsys):
    import errno
    import shutil

    from keras_gen.utils import files

    run = tmp_path / "run"
    shutil.copytree(finished_run, run)
    before = snapshot(run)
    real_replace = os.replace

    def full(source, target):
        if str(target).endswith("model.keras"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), source)
        return real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", full)
    assert cli.main(tiny_ae(run, "--overwrite")) == 1  # an autoencoder over a VAE run
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "No space left on device" in err, err
    assert err.split(": ")[-1].startswith(str(run)), err  # the file, not its temporary name
    assert snapshot(run) == before
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_a_damaged_model_file_is_a_one_line_error_naming_it(finished_run, tmp_path, capsys):
    import shutil
    import zipfile

    run = tmp_path / "run"
    shutil.copytree(finished_run, run)
    path = run / "model.keras"
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("model.weights.h5")
    data = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF  # one flipped byte inside the weights: a CRC error
    path.write_bytes(bytes(data))
    before = snapshot(run)
    assert cli.main(["sample", str(run), "--count", "4"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "model.keras" in err and "damaged" in err, err
    assert snapshot(run) == before


def test_an_unwritable_output_is_one_line(finished_run, capsys):
    assert cli.main(["sample", str(finished_run), "--count", "4",
                     "--output", "/proc/keras-gen-samples.png"]) in (1, 2)
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "keras-gen-samples.png" in err, err


@pytest.mark.parametrize("error, status, line", [
    (ValueError("Expected `x`.\n  Received: x=3"), 2, "keras-gen: error: Expected `x`. Received: x=3"),
    (KeyError("image_shape"), 2, "keras-gen: error: missing key 'image_shape'"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "runs/a"), 2,
     "keras-gen: error: No such file or directory: runs/a"),
    # The file being written, not its temporary name inside the hidden partial run.
    (OSError(errno.ENOSPC, "No space left on device",
             os.path.join("runs", ".a.partial-123", ".tmp-model.keras-pid7")), 1,
     f"keras-gen: failed (OSError): No space left on device: {os.path.join('runs', 'a', 'model.keras')} "
     "(free some space and rerun; nothing was left half-written)"),
    (RuntimeError(""), 1, "keras-gen: failed (RuntimeError): RuntimeError"),
    (errors.TrainingDiverged("Training diverged."), 1, "keras-gen: diverged: Training diverged."),
])
def test_report_gives_the_status_and_one_line(error, status, line):
    assert errors.report(error) == (status, line)
