import json
import os

import pytest

from keras_gen.cli import main as cli


@pytest.mark.slow
def test_train_and_translate(tmp_path, shared_data):
    run = str(tmp_path / "run")
    code = cli.main([
        "train", "pix2pix", "--data", os.path.join(shared_data, "facades_128.npz"),
        "--limit", "4", "--image-size", "16", "--epochs", "1", "--batch-size", "2",
        "--generator-filters", "4", "--discriminator-filters", "4", "--reverse",
        "--output", run, "--verbose", "0",
    ])
    assert code == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert 0 < metrics["test_l1"] < 1
    assert os.path.isfile(os.path.join(run, "translations_epoch_001.png"))
    out = str(tmp_path / "grid.png")
    assert cli.main(["translate", run, "--count", "2", "--output", out]) == 0
    assert os.path.isfile(out)


def test_bad_data(tmp_path, capsys):
    code = cli.main(["train", "pix2pix", "--data", "digits", "--output", str(tmp_path / "r")])
    assert code == 2
    assert "paired .npz" in capsys.readouterr().err
