import json
import os

import pytest

from keras_gen import cli


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "sample", "evaluate", "export", "demo"):
        assert command in out


def test_unknown_model_is_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "no-such-model"])
    assert exit_info.value.code == 2
    assert "no-such-model" in capsys.readouterr().err


def test_run_folder_without_run_json(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path)]) == 2
    assert "run.json" in capsys.readouterr().err


def test_write_json_is_atomic(tmp_path):
    path = tmp_path / "metrics.json"
    cli.write_json(str(path), {"a": 1.5})
    assert json.loads(path.read_text()) == {"a": 1.5}
    with pytest.raises(TypeError):
        cli.write_json(str(path), {"bad": object()})
    # The failed write left the old file intact and no temporary file behind.
    assert json.loads(path.read_text()) == {"a": 1.5}
    assert os.listdir(tmp_path) == ["metrics.json"]
