import json
import os

import pytest

from keras_gen.cli.main import main


@pytest.mark.slow
def test_train_sample_interpolate(tmp_path, backend):
    run = str(tmp_path / "run")
    assert main(["train", "cgan", "--data", "digits", "--epochs", "1", "--limit", "64",
                 "--batch-size", "16", "--base-filters", "4", "--latent-dim", "8",
                 "--output", run, "--verbose", "0"]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["epochs"] == 1 and metrics["diverged"] is None
    assert os.path.isfile(os.path.join(run, "samples", "epoch_001.png"))
    assert main(["sample", run, "--count", "6", "--options", '{"labels": [0, 1, 2, 3, 4, 5]}']) == 0
    assert main(["interpolate", run, "--options", '{"steps": 4, "label": 2}']) == 0
    for name in ("model.keras", "samples.png", "interpolation.png", "interpolation.gif"):
        assert os.path.isfile(os.path.join(run, name)), name
    # FID needs 28x28 greyscale samples: a clear error, no metrics written.
    assert main(["evaluate", run, "--fid"]) == 2


def test_bad_options(tmp_path, backend):
    run = str(tmp_path / "run")
    main(["train", "gan", "--data", "digits", "--epochs", "1", "--limit", "32",
          "--latent-dim", "4", "--output", run, "--verbose", "0"])
    assert main(["sample", run, "--options", "{not json"]) == 2
    assert main(["train", "gan", "--data", "digits", "--loss", "wgan"]) == 2
