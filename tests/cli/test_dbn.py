import os

import pytest

from keras_gen.cli import main as cli


def check_train_sample_evaluate(model, tmp_path):
    """The CLI round of a Boltzmann-stack run: train, sample, bad options, evaluate."""
    run = str(tmp_path / model)
    assert cli.main(["train", model, "--data", "digits", "--epochs", "1", "--output", run,
                     "--verbose", "0"]) == 0
    assert os.path.getsize(os.path.join(run, "model.keras")) > 0
    samples = str(tmp_path / "samples.png")
    assert cli.main(["sample", run, "--count", "4", "--output", samples,
                     "--options", '{"gibbs_steps": 5}']) == 0
    assert os.path.getsize(samples) > 0
    assert cli.main(["sample", run, "--options", "{not json"]) == 2
    assert cli.main(["sample", run, "--options", "[1]"]) == 2
    assert cli.main(["evaluate", run, "--options", '{"limit": 300}']) == 0


@pytest.mark.slow
def test_train_sample_evaluate(tmp_path):
    check_train_sample_evaluate("dbn", tmp_path)
