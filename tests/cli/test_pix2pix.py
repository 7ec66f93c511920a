import json
import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.cli import main as cli
from tests.helpers import assert_run_layout

TINY = ["--epochs", "1", "--generator-filters", "4", "--discriminator-filters", "4",
        "--verbose", "0"]


def _aligned_folder(root, size=16, counts=(("train", 4), ("test", 3))):
    """Pix2Pix's layout: train/ and test/ of side-by-side AB pictures."""
    rng = np.random.default_rng(0)
    for split, count in counts:
        os.makedirs(os.path.join(root, split))
        for number in range(1, count + 1):
            pair = rng.integers(0, 256, (size, 2 * size, 3), dtype="uint8")
            Image.fromarray(pair).save(os.path.join(root, split, f"{number}.jpg"))
    return root


def _metrics(run):
    with open(os.path.join(run, "metrics.json")) as handle:
        return json.load(handle)


@pytest.mark.slow
def test_train_and_translate(tmp_path, shared_data):
    run = str(tmp_path / "run")
    code = cli.main([
        "train", "pix2pix", "--data", os.path.join(shared_data, "facades_128.npz"),
        "--limit", "4", "--image-size", "16", "--batch-size", "2", "--reverse",
        "--output", run, *TINY,
    ])
    assert code == 0
    metrics = _metrics(run)
    assert 0 < metrics["test_l1"] < 1 and metrics["test_pairs"] == 106
    assert_run_layout(run, "translations.png")
    assert os.path.isfile(os.path.join(run, "progress", "translations_epoch_001.png"))
    out = str(tmp_path / "grid.png")
    assert cli.main(["translate", run, "--count", "2", "--output", out]) == 0
    assert os.path.isfile(out)


@pytest.mark.slow
def test_a_folder_of_aligned_pictures_trains_and_translates_the_users_own(tmp_path, capsys):
    data = _aligned_folder(str(tmp_path / "pairs"))
    run = str(tmp_path / "run")
    assert cli.main(["train", "pix2pix", "--data", data, "--output", run, *TINY]) == 0
    assert_run_layout(run, "translations.png")
    trained = _metrics(run)["test_l1"]
    # One definition of test_l1: evaluate computes what train did, on the same pairs.
    assert cli.main(["evaluate", run]) == 0
    assert _metrics(run)["test_l1"] == pytest.approx(trained, rel=1e-6)
    assert _metrics(run)["test_pairs"] == 3
    # The user's own pictures, of another size: one output each, names kept.
    mine = tmp_path / "mine"
    mine.mkdir()
    for name, size in (("street.png", (40, 30)), ("house.jpg", (16, 16))):
        Image.new("RGB", size, (200, 30, 30)).save(mine / name)
    assert cli.main(["translate", run, "--input", str(mine)]) == 0
    outputs = sorted(os.listdir(os.path.join(run, "translated")))
    assert outputs == ["house.jpg", "street.png"]
    assert Image.open(os.path.join(run, "translated", "street.png")).size == (16, 16)
    assert cli.main(["translate", run, "--input", str(mine / "house.jpg"),
                     "--output", str(tmp_path / "one")]) == 0
    assert os.listdir(tmp_path / "one") == ["house.jpg"]
    # --input pointing at something that is not an image: one line, nothing written.
    (mine / "notes.png").write_text("not a picture")
    before = sorted(os.listdir(run))
    capsys.readouterr()
    assert cli.main(["translate", run, "--input", str(mine), "--output", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert "notes.png" in err and len(err.splitlines()) == 1
    assert sorted(os.listdir(run)) == before and not os.path.exists(tmp_path / "x")


def test_bad_data(tmp_path, capsys):
    code = cli.main(["train", "pix2pix", "--data", "digits", "--output", str(tmp_path / "r")])
    assert code == 2
    assert "paired .npz" in capsys.readouterr().err


@pytest.mark.parametrize("make, message", [
    (lambda root: _aligned_folder(root, counts=(("train", 2),)) and Image.new(
        "RGB", (33, 16)).save(os.path.join(root, "train", "odd.png")), "odd.png' of width 33"),
    (lambda root: [os.makedirs(os.path.join(root, "train"))] and [Image.new("RGB", size).save(
        os.path.join(root, "train", f"{i}.png")) for i, size in enumerate([(32, 16), (64, 32)])],
     "one size.*image_size"),
])
def test_bad_folders_are_one_line_and_leave_nothing(tmp_path, make, message, capsys):
    make(str(tmp_path / "data"))
    assert cli.main(["train", "pix2pix", "--data", str(tmp_path / "data"),
                     "--output", str(tmp_path / "run"), *TINY]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("keras-gen: error:")
    import re

    assert re.search(message, err)
    assert sorted(os.listdir(tmp_path)) == ["data"]
