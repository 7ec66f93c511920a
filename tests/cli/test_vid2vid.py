import json
import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.cli import main as cli
from keras_gen.data import load_digits
from keras_gen.data import moving_digits


def train_tiny(run):
    return cli.main([
        "train", "vid2vid", "--data", "digits", "--image-size", "16", "--videos", "4",
        "--clip-frames", "3", "--epochs", "1", "--batch-size", "2", "--generator-filters", "2",
        "--discriminator-filters", "2", "--output", run, "--verbose", "0",
    ])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One tiny run (Vid2Vid and the per-frame Pix2Pix) shared by the slow tests."""
    folder = str(tmp_path_factory.mktemp("vid2vid") / "run")
    assert train_tiny(folder) == 0
    return folder


@pytest.mark.slow
def test_train_and_translate_a_video(run, tmp_path):
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["test_warping_error"] >= 0 and metrics["pix2pix_test_warping_error"] >= 0
    gif = Image.open(os.path.join(run, "side_by_side.gif"))
    assert gif.n_frames == 16 and gif.size[0] > 4 * 16 * 2  # maps | real | Vid2Vid | Pix2Pix

    videos = moving_digits(count=2, frames=5, size=16, source=load_digits(), seed=9)
    path = str(tmp_path / "maps.npz")
    np.savez(path, maps=videos["maps"])
    out = str(tmp_path / "out.gif")
    assert cli.main(["translate", run, "--video", path, "--output", out]) == 0
    assert Image.open(out).n_frames == 5
    with np.load(str(tmp_path / "out.npz")) as frames:
        assert frames["frames"].shape == (2, 5, 16, 16, 1)
        np.testing.assert_array_equal(frames["maps"], videos["maps"])
    # Without --video and --output: test videos of the run's data, into the run folder
    # (test_bad_videos_write_nothing compares the folder before and after itself only).
    assert cli.main(["translate", run, "--options", '{"videos": 1, "frames": 3}']) == 0
    assert Image.open(os.path.join(run, "translation.gif")).n_frames == 3


@pytest.mark.slow
def test_bad_videos_write_nothing(run, tmp_path, capsys):
    before = sorted(os.listdir(run))
    path = str(tmp_path / "one.npz")
    for maps, message in [(np.zeros((1, 1, 16, 16), "uint8"), "frames >= 2"),
                          (np.full((1, 3, 16, 16), 20, "uint8"), "class ids"),
                          (np.zeros((1, 3, 8, 8), "uint8"), "maps")]:
        np.savez(path, maps=maps)
        assert cli.main(["translate", run, "--video", path]) == 2
        assert message in capsys.readouterr().err
    assert sorted(os.listdir(run)) == before


def test_bad_data_and_options(tmp_path, capsys):
    assert cli.main(["train", "vid2vid", "--data", "cifar10", "--output",
                     str(tmp_path / "r")]) == 2
    assert "moving_digits" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "r")
    assert cli.main(["train", "vid2vid", "--clip-frames", "0", "--output",
                     str(tmp_path / "r")]) == 2
    assert "--clip-frames" in capsys.readouterr().err
