"""`keras_gen.cli.main`: the entry point (help, version, checked values) and what it imports."""

import os
import subprocess
import sys

import pytest

from keras_gen.cli import main as cli


def test_help_lists_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("train", "sample", "evaluate", "interpolate", "translate", "export", "demo"):
        assert command in out


def test_version(capsys):
    from keras_gen import __version__

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"keras-gen {__version__}"


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


def test_count_is_capped(finished_run, capsys):
    assert cli.main(["sample", str(finished_run), "--count", "10000000"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--count" in err and "10000" in err and len(err.splitlines()) == 1
