import json
import os

import numpy as np
import pytest

from keras_gen.cli import main as cli
from tests.cli.test_dbn import check_sample_start
from tests.helpers import assert_run_layout


@pytest.mark.slow
@pytest.mark.parametrize("model", ["rbm", "crbm"])
def test_train_sample_evaluate(model, tmp_path):
    run = str(tmp_path / model)
    code = cli.main(["train", model, "--data", "digits", "--epochs", "2", "--hidden-units", "16",
                     "--limit", "300", "--output", run, "--verbose", "0"])
    assert code == 0
    assert_run_layout(run, "samples.png")
    assert os.path.getsize(os.path.join(run, "filters.png")) > 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["train_reconstruction_error"] > 0
    assert cli.main(["sample", run, "--count", "4", "--options", '{"gibbs_steps": 5}']) == 0
    assert os.path.getsize(os.path.join(run, "samples-seed0.png")) > 0
    check_sample_start(run, tmp_path, persistent=False)
    assert cli.main(["evaluate", run, "--fid", "--options",
                     '{"ais_runs": 10, "ais_betas": 50, "gibbs_steps": 5, "fid_samples": 20}']) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["fid"] > 0 and metrics["fid_samples"] == 20
    if model == "rbm":
        assert metrics["test_ais_log_likelihood"] < 0
        assert metrics["test_ais_num_betas"] == 50
        assert 0 <= metrics["test_feature_classifier_accuracy"] <= 1
    else:
        assert 0 <= metrics["test_accuracy"] <= 1
    assert cli.main(["evaluate", run, "--options", '{"unknown": 1}']) == 2


def test_bad_train_arguments(tmp_path):
    assert cli.main(["train", "rbm", "--hidden-units", "0", "--output", str(tmp_path / "r"), "--verbose", "0"]) == 2
    assert cli.main(["train", "rbm", "--cd-steps", "0", "--output", str(tmp_path / "r"), "--verbose", "0"]) == 2
    assert cli.main(["train", "rbm", "--weight-average", "1.0", "--output", str(tmp_path / "r"),
                     "--verbose", "0"]) == 2
    assert cli.main(["train", "rbm", "--learning-rate-decay", "cosine", "--output", str(tmp_path / "r"),
                     "--verbose", "0"]) == 2
    assert cli.main(["train", "rbm", "--weight-decay", "-1", "--output", str(tmp_path / "r"), "--verbose", "0"]) == 2


def test_weight_average_ends_on_averaged_weights(tmp_path):
    from keras_gen.models import load_model

    kernels = {}
    for average in ("0", "0.9"):
        run = str(tmp_path / average)
        assert cli.main(["train", "rbm", "--data", "digits", "--epochs", "1", "--hidden-units", "8",
                         "--limit", "200", "--persistent", "--weight-average", average,
                         "--output", run, "--verbose", "0"]) == 0
        kernels[average] = load_model(os.path.join(run, "model.keras")).kernel.numpy()
    check_sample_start(run, tmp_path, persistent=True)
    # Same seed and data: only the averaging can tell the two runs apart.
    assert abs(kernels["0"] - kernels["0.9"]).max() > 1e-4


def test_weight_decay_shrinks_the_kernel(tmp_path):
    from keras_gen.models import load_model

    norms = {}
    for decay in ("0", "2"):
        run = str(tmp_path / decay)
        assert cli.main(["train", "rbm", "--data", "digits", "--epochs", "1", "--hidden-units", "8",
                         "--limit", "200", "--weight-decay", decay, "--output", run, "--verbose", "0"]) == 0
        norms[decay] = float(np.linalg.norm(load_model(os.path.join(run, "model.keras")).kernel.numpy()))
    # Same seed and data. Each of the 20 steps scales the kernel by 1 - 2 x lr (0.9 at lr 0.05).
    assert norms["2"] < 0.8 * norms["0"]


def test_generative_recipe_options(tmp_path):
    """Data log-odds visible biases and the falling learning rate are the defaults; both can be turned off."""
    from keras_gen.data import load_dataset
    from keras_gen.models import load_model

    x, _ = load_dataset("digits", flatten=True)
    models = {}
    for name, extra in (("recipe", []), ("plain", ["--visible-bias-init", "zeros", "--learning-rate-decay", "none"])):
        run = str(tmp_path / name)
        assert cli.main(["train", "rbm", "--data", "digits", "--epochs", "1", "--hidden-units", "8",
                         "--output", run, "--verbose", "0", *extra]) == 0
        models[name] = load_model(os.path.join(run, "model.keras"))
    mean = np.clip(x.mean(0), 1e-3, 1 - 1e-3)
    log_odds = np.log(mean / (1 - mean))
    recipe_bias = models["recipe"].visible_bias.numpy()
    plain_bias = models["plain"].visible_bias.numpy()
    # One epoch moves the biases a little from where they started.
    assert np.abs(recipe_bias - log_odds).mean() < np.abs(plain_bias - log_odds).mean()
    schedule = models["recipe"].optimizer.learning_rate
    assert float(models["recipe"].optimizer.learning_rate) < 0.05 * 0.1 and float(
        models["plain"].optimizer.learning_rate) == pytest.approx(0.05), schedule
