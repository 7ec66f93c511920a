import json
import os

import pytest

from keras_gen.cli import main as cli
from tests.helpers import assert_run_layout


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
    assert_run_layout(run, "samples.png")
    for picture in ("reconstructions.png", "latent_scatter.png", "latent_manifold.png"):
        assert os.path.getsize(os.path.join(run, picture)) > 0
    out = os.path.join(tmp_path, "grid.png")
    assert cli.main(["sample", run, "--count", "9", "--output", out]) == 0
    assert os.path.isfile(out)
    assert cli.main(["interpolate", run, "--count", "2", "--options", '{"steps": 4}']) == 0
    from PIL import Image

    with Image.open(os.path.join(run, "interpolation-seed0.gif")) as gif:
        assert gif.n_frames == 6  # 4 steps forward, 2 back
    # The same test metric as train by default (5 importance samples, the trained setting).
    assert cli.main(["evaluate", run]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        evaluated = json.load(handle)
    assert evaluated["iwae_samples"] == 5
    assert evaluated["test_nll_iwae"] == pytest.approx(metrics["test_nll_iwae"], rel=1e-5)
    assert os.path.isfile(os.path.join(run, "evaluation", "reconstructions.png"))
    assert cli.main(["evaluate", run, "--fid", "--options", '{"iwae_samples": 3, "fid_samples": 30}']) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        evaluated = json.load(handle)
    assert evaluated["iwae_samples"] == 3 and evaluated["fid"] > 0 and evaluated["fid_samples"] == 30
    assert cli.main(["evaluate", run, "--options", '{"num_samples": 5}']) == 2  # the old name


def test_bad_beta_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["train", "vae", "--beta", "-1", "--epochs", "1",
                     "--output", os.path.join(tmp_path, "bad"), "--verbose", "0"])
    assert code == 2
    assert "beta" in capsys.readouterr().err
