import os
import subprocess
import sys

import pytest

from keras_gen.cli import main as cli
from keras_gen.cli import runs


def test_help_lists_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("train", "sample", "evaluate", "interpolate", "translate", "export", "demo"):
        assert command in out


def test_version(capsys):
    from keras_gen import __version__

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"keras-gen {__version__}"


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


@pytest.mark.parametrize("argv, option", [
    (["train", "vae", "--epochs", "0"], "--epochs"),
    (["train", "vae", "--batch-size", "-3"], "--batch-size"),
    (["train", "vae", "--learning-rate", "nan"], "--learning-rate"),
    (["train", "gan", "--learning-rate", "inf"], "--learning-rate"),
    (["sample", "run", "--count", "0"], "--count"),
    (["sample", "run", "--options", "{not json"], "--options"),
    (["sample", "run", "--options", "[1]"], "--options"),
])
def test_numbers_and_json_are_checked_before_any_work(argv, option, tmp_path, capsys):
    argv = [str(tmp_path / "run") if part == "run" else part for part in argv]
    assert cli.main(argv + (["--output", str(tmp_path / "out")] if argv[0] == "train" else [])) == 2
    err = capsys.readouterr().err.strip()
    assert option in err and len(err.splitlines()) == 1
    assert not os.path.exists(tmp_path / "out")


def test_run_folder_without_run_json(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path)]) == 2
    assert "run.json" in capsys.readouterr().err


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


def test_partial_folders_of_dead_processes_are_removed(tmp_path):
    stale = tmp_path / ".run.partial-999999999"
    stale.mkdir()
    runs.remove_stale_partials(str(tmp_path / "run"))
    assert not stale.exists()


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["train", "--help"]])
def test_help_and_version_import_no_backend(args):
    code = ("import sys; from keras_gen.cli.main import main; "
            f"code = main({args!r}); "
            "heavy = [m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules]; "
            "print(code, heavy)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=dict(os.environ, KERAS_BACKEND="tensorflow"))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "0 []"


def test_console_script_entry_point_is_declared():
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "pyproject.toml")) as handle:
        assert 'keras-gen = "keras_gen.cli.main:main"' in handle.read()
