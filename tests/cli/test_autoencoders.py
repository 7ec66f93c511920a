import json
import os

import pytest

from keras_gen.cli import main as cli


@pytest.mark.slow
@pytest.mark.parametrize("model, extra", [
    ("dae", ["--corruption", "salt_and_pepper", "--code-dim", "2"]),
    ("stacked-ae", ["--layer-sizes", "16,4", "--pretrain-epochs", "1"]),
])
def test_train_and_evaluate(tmp_path, model, extra):
    run = os.path.join(tmp_path, model)
    code = cli.main(["train", model, "--data", "digits", "--epochs", "2", "--batch-size", "128",
                     "--hidden-units", "16", "--output", run, "--verbose", "0", *extra])
    assert code == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["test_squared_error"] > 0
    for picture in ("reconstructions.png", "latent_scatter.png"):
        assert os.path.getsize(os.path.join(run, picture)) > 0
    if model == "dae":
        assert os.path.isfile(os.path.join(run, "latent_manifold.png"))
    assert cli.main(["evaluate", run]) == 0


def test_bad_option_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["train", "dae", "--corruption-level", "2", "--epochs", "1",
                     "--output", os.path.join(tmp_path, "bad"), "--verbose", "0"])
    assert code == 2
    assert "--corruption-level" in capsys.readouterr().err
