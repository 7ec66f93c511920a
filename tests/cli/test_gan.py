import json
import os

import numpy as np
import pytest

from keras_gen.cli.main import main
from tests.helpers import assert_run_layout


@pytest.mark.slow
def test_train_sample_interpolate(tmp_path, backend):
    run = str(tmp_path / "run")
    assert main(["train", "cgan", "--data", "digits", "--epochs", "1", "--limit", "64",
                 "--batch-size", "16", "--base-filters", "4", "--latent-dim", "8",
                 "--output", run, "--verbose", "0"]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["epochs"] == 1 and metrics["diverged"] is None
    assert_run_layout(run, "samples.png")
    assert os.path.isfile(os.path.join(run, "progress", "epoch_001.png"))
    assert main(["sample", run, "--count", "6", "--options", '{"labels": [0, 1, 2, 3, 4, 5]}']) == 0
    assert main(["interpolate", run, "--options", '{"steps": 4, "label": 2}']) == 0
    for name in ("samples-seed0.png", "interpolation-seed0.png", "interpolation-seed0.gif"):
        assert os.path.isfile(os.path.join(run, name)), name
    # FID on 8x8 digits: the shipped MNIST features, resized.
    assert main(["evaluate", run, "--fid", "--options", '{"fid_samples": 40}']) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["fid"] > 0 and metrics["fid_samples"] == 40 and metrics["fid_features"] == "mnist"


def test_bad_options(tmp_path, backend):
    run = str(tmp_path / "run")
    main(["train", "gan", "--data", "digits", "--epochs", "1", "--limit", "32",
          "--latent-dim", "4", "--output", run, "--verbose", "0"])
    assert main(["sample", run, "--options", "{not json"]) == 2
    assert main(["train", "gan", "--data", "digits", "--loss", "wgan"]) == 2


def _user_pictures(folder, count=40, seed=0):
    """A user's own folder of 32x32 RGB PNGs: coloured discs on black."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    os.makedirs(folder)
    rows, columns = np.mgrid[:32, :32]
    for index in range(count):
        image = np.zeros((32, 32, 3), "uint8")
        radius = rng.integers(5, 12)
        image[(rows - 16) ** 2 + (columns - 16) ** 2 < radius**2] = rng.integers(60, 256, 3)
        Image.fromarray(image).save(os.path.join(folder, f"picture_{index}.png"))
    return folder


@pytest.mark.slow
def test_a_user_folder_of_colour_pictures_trains_and_gets_a_fid(tmp_path, backend):
    import keras

    pictures = _user_pictures(str(tmp_path / "pictures"))
    run = str(tmp_path / "run")
    with pytest.warns(UserWarning, match="split 'train' is a fixed 80 %"):
        assert main(["train", "dcgan", "--data", pictures, "--epochs", "2", "--batch-size", "8",
                     "--base-filters", "4", "--latent-dim", "8", "--output", run,
                     "--verbose", "0"]) == 0
    assert_run_layout(run, "samples.png")
    with open(os.path.join(run, "history.csv")) as handle:
        assert handle.readline().strip() == "epoch,d_loss,g_loss"
        assert len(handle.readlines()) == 2
    # The user's own feature model: any Keras model taking the 32x32x3 images in [0, 1].
    features = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(4, 3, strides=2),
                                 keras.layers.GlobalAveragePooling2D()])
    features.save(str(tmp_path / "features.keras"))
    assert main(["evaluate", run, "--fid", "--feature-model", str(tmp_path / "features.keras"),
                 "--verbose", "0"]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["fid"] > 0 and metrics["fid_samples"] == 8  # the folder's 20 % test part
    assert metrics["fid_features"].endswith("features.keras")
    # A feature model that does not take these images: one line, nothing written.
    small = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    small.save(str(tmp_path / "small.keras"))
    before = sorted(os.listdir(run))
    assert main(["evaluate", run, "--fid", "--feature-model", str(tmp_path / "small.keras")]) == 2
    assert sorted(os.listdir(run)) == before


@pytest.mark.slow
def test_outputs_never_replace_what_train_wrote(tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "gan", "--data", "digits", "--epochs", "1", "--limit", "32",
                 "--latent-dim", "4", "--output", run, "--verbose", "0"]) == 0
    with open(os.path.join(run, "samples.png"), "rb") as handle:
        trained = handle.read()
    assert main(["sample", run, "--output", os.path.join(run, "samples.png")]) == 2
    assert "--overwrite" in capsys.readouterr().err
    with open(os.path.join(run, "samples.png"), "rb") as handle:
        assert handle.read() == trained
    assert main(["sample", run, "--count", "4", "--output", os.path.join(run, "samples.png"),
                 "--overwrite"]) == 0
    assert main(["sample", run, "--count", "4"]) == 0  # beside it, by default
    assert os.path.isfile(os.path.join(run, "samples-seed0.png"))
