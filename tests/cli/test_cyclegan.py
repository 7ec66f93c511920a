import json
import os

import pytest

from keras_gen.cli import main as cli


@pytest.mark.slow
def test_train_and_translate(tmp_path, shared_data):
    run = str(tmp_path / "run")
    code = cli.main([
        "train", "cyclegan", "--data", os.path.join(shared_data, "cyclegan_facades_128.npz"),
        "--limit", "2", "--image-size", "16", "--epochs", "1", "--batch-size", "2",
        "--generator-filters", "4", "--discriminator-filters", "4", "--residual-blocks", "1",
        "--output", run, "--verbose", "0",
    ])
    assert code == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert 0 < metrics["test_cycle_l1_a"] < 1
    out = str(tmp_path / "grid.png")
    code = cli.main(["translate", run, "--count", "2", "--output", out,
                     "--options", '{"direction": "b_to_a"}'])
    assert code == 0 and os.path.isfile(out)


def test_bad_arguments(tmp_path, shared_data, capsys):
    data = os.path.join(shared_data, "cyclegan_facades_128.npz")
    code = cli.main(["train", "cyclegan", "--data", data, "--pool-size", "-1",
                     "--output", str(tmp_path / "r")])
    assert code == 2
    assert "--pool-size" in capsys.readouterr().err
    code = cli.main(["train", "cyclegan", "--data", os.path.join(shared_data, "facades_128.npz"),
                     "--output", str(tmp_path / "s")])
    assert code == 2
