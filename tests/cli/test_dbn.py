import json
import os

import pytest

from keras_gen.cli import main as cli
from tests.helpers import assert_run_layout


def check_sample_start(run, tmp_path, persistent):
    """`--options start`: where the chains begin changes the grid; a bad one exits 2, as does
    "persistent" for a model whose chains were never trained."""
    grids = {}
    for start in ("auto", "marginals") + (("persistent",) if persistent else ()):
        path = str(tmp_path / f"start-{start}.png")
        assert cli.main(["sample", run, "--count", "4", "--output", path,
                         "--options", json.dumps({"gibbs_steps": 2, "start": start})]) == 0
        with open(path, "rb") as handle:
            grids[start] = handle.read()
    if persistent:  # "auto" continues the trained chains
        assert grids["auto"] == grids["persistent"] != grids["marginals"]
    else:
        assert grids["auto"] == grids["marginals"]
        assert cli.main(["sample", run, "--options", '{"start": "persistent"}']) == 2
    assert cli.main(["sample", run, "--options", '{"start": "middle"}']) == 2


def check_train_sample_evaluate(model, tmp_path):
    """The CLI round of a Boltzmann-stack run: train, sample, bad options, evaluate."""
    run = str(tmp_path / model)
    assert cli.main(["train", model, "--data", "digits", "--epochs", "1", "--output", run,
                     "--verbose", "0"]) == 0
    assert_run_layout(run, "samples.png")
    samples = str(tmp_path / "samples.png")
    assert cli.main(["sample", run, "--count", "4", "--output", samples,
                     "--options", '{"gibbs_steps": 5}']) == 0
    assert os.path.getsize(samples) > 0
    assert cli.main(["sample", run, "--options", "{not json"]) == 2
    assert cli.main(["sample", run, "--options", "[1]"]) == 2
    check_sample_start(run, tmp_path, persistent=model == "dbm")
    assert cli.main(["evaluate", run, "--fid", "--options",
                     '{"limit": 300, "gibbs_steps": 5, "fid_samples": 20}']) == 0


def check_labelled_run(run, tmp_path, evaluate_options=None):
    """A labelled run samples by label (`labels`; a class it lacks exits 2) and reports a bound; its metrics."""
    samples = str(tmp_path / "threes.png")
    assert cli.main(["sample", run, "--count", "4", "--output", samples,
                     "--options", '{"gibbs_steps": 5, "labels": 3}']) == 0
    assert os.path.getsize(samples) > 0
    assert cli.main(["sample", run, "--count", "4", "--options", '{"labels": 10}']) == 2
    options = {"ais_runs": 5, "ais_betas": 20, **(evaluate_options or {})}
    assert cli.main(["evaluate", run, "--options", json.dumps(options)]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["test_bound"] < 0 and metrics["test_bound_ais_runs"] == 5
    assert metrics["test_bound_low"] <= metrics["test_bound"] <= metrics["test_bound_high"]
    return metrics


@pytest.mark.slow
def test_train_sample_evaluate(tmp_path):
    check_train_sample_evaluate("dbn", tmp_path)


@pytest.mark.slow
def test_labelled_generative_run_samples_by_label_and_reports_its_bound(tmp_path):
    run = str(tmp_path / "dbn")
    assert cli.main(["train", "dbn", "--data", "digits", "--scale", "binary", "--hidden-units", "16,12",
                     "--labelled", "--persistent", "--weight-average", "0.9", "--epochs", "2",
                     "--output", run, "--verbose", "0"]) == 0
    metrics = check_labelled_run(run, tmp_path, {"bound_samples": 2})
    assert sorted(metrics["test_bound_log_z_by_side"]) == ["hidden", "visible"]
    assert metrics["test_bound_log_z_by_side"][metrics["test_bound_ais_side"]] == metrics["test_bound_log_z"]


def test_tied_upper_layers_and_their_size_check(tmp_path):
    narrow = str(tmp_path / "narrow")
    # 12 hidden units cannot hold the 64 pixels of the layer below upside down.
    assert cli.main(["train", "dbn", "--data", "digits", "--scale", "binary", "--hidden-units", "16,12",
                     "--upper-init", "tied", "--epochs", "1", "--output", narrow, "--verbose", "0"]) == 2
    assert not os.path.exists(narrow)
    run = str(tmp_path / "tied")
    assert cli.main(["train", "dbn", "--data", "digits", "--scale", "binary", "--hidden-units", "16,64",
                     "--upper-init", "tied", "--limit", "300", "--epochs", "1", "--output", run,
                     "--verbose", "0"]) == 0
    assert_run_layout(run, "samples.png")
