"""Fixtures shared by the command-line tests."""

import pytest


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory):
    """A tiny VAE run trained once a session (tests copy it before changing it)."""
    from keras_gen.cli.main import main

    run = tmp_path_factory.mktemp("finished") / "run"
    assert main(["train", "vae", "--data", "digits", "--limit", "64", "--epochs", "1",
                 "--hidden-units", "8", "--latent-dim", "2", "--iwae-samples", "2",
                 "--verbose", "0", "--output", str(run)]) == 0
    return run
