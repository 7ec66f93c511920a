import json
import os

import pytest

from keras_gen.cli import main as cli


@pytest.mark.slow
def test_train_sample_interpolate_evaluate(tmp_path):
    run = os.path.join(tmp_path, "vae")
    code = cli.main(["train", "vae", "--data", "digits", "--epochs", "2", "--latent-dim", "2",
                     "--hidden-units", "32", "--iwae-samples", "5", "--output", run,
                     "--verbose", "0"])
    assert code == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["test_nll_iwae"] <= metrics["test_negative_elbo"] + 1.0
    for picture in ("samples.png", "reconstructions.png", "latent_scatter.png", "latent_manifold.png"):
        assert os.path.getsize(os.path.join(run, picture)) > 0
    out = os.path.join(tmp_path, "grid.png")
    assert cli.main(["sample", run, "--count", "9", "--output", out]) == 0
    assert os.path.isfile(out)
    assert cli.main(["interpolate", run, "--count", "2", "--options", '{"steps": 4}']) == 0
    assert os.path.isfile(os.path.join(run, "interpolation.png"))
    assert cli.main(["evaluate", run, "--options", '{"num_samples": 5}']) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        assert json.load(handle)["iwae_samples"] == 5


def test_bad_beta_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["train", "vae", "--beta", "-1", "--epochs", "1",
                     "--output", os.path.join(tmp_path, "bad"), "--verbose", "0"])
    assert code == 2
    assert "beta" in capsys.readouterr().err
