import json
import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.cli import main as cli
from tests.helpers import assert_run_layout

TINY = ["--epochs", "1", "--generator-filters", "4", "--discriminator-filters", "4",
        "--residual-blocks", "1", "--verbose", "0"]


def _domains(root, counts=(("train", 3, 2), ("test", 2, 2)), size=16):
    """CycleGAN's layout: trainA/ trainB/ testA/ testB/."""
    rng = np.random.default_rng(0)
    for split, count_a, count_b in counts:
        for domain, count in (("A", count_a), ("B", count_b)):
            os.makedirs(os.path.join(root, f"{split}{domain}"))
            for index in range(count):
                Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype="uint8")).save(
                    os.path.join(root, f"{split}{domain}", f"{domain.lower()}{index}.png"))
    return root


@pytest.mark.slow
def test_train_and_translate(tmp_path, shared_data):
    run = str(tmp_path / "run")
    code = cli.main([
        "train", "cyclegan", "--data", os.path.join(shared_data, "cyclegan_facades_128.npz"),
        "--limit", "2", "--image-size", "16", "--batch-size", "2", "--output", run, *TINY,
    ])
    assert code == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert 0 < metrics["test_cycle_l1_a"] < 1 and metrics["test_images_a"] == 53
    assert_run_layout(run, "translations.png")
    out = str(tmp_path / "grid.png")
    code = cli.main(["translate", run, "--count", "2", "--output", out,
                     "--options", '{"direction": "b_to_a"}'])
    assert code == 0 and os.path.isfile(out)


@pytest.mark.slow
def test_a_train_a_train_b_folder_trains_and_translates_both_ways(tmp_path):
    data = _domains(str(tmp_path / "domains"))
    run = str(tmp_path / "run")
    assert cli.main(["train", "cyclegan", "--data", data, "--output", run, *TINY]) == 0
    assert_run_layout(run, "translations.png")
    with open(os.path.join(run, "metrics.json")) as handle:
        trained = json.load(handle)
    assert cli.main(["evaluate", run]) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        assert json.load(handle)["test_cycle_l1_b"] == pytest.approx(trained["test_cycle_l1_b"])
    for direction, source in (("a_to_b", "testA"), ("b_to_a", "testB")):
        out = str(tmp_path / direction)
        assert cli.main(["translate", run, "--input", os.path.join(data, source), "--output", out,
                         "--options", json.dumps({"direction": direction})]) == 0
        assert sorted(os.listdir(out)) == sorted(os.listdir(os.path.join(data, source)))


def test_bad_arguments(tmp_path, shared_data, capsys):
    data = os.path.join(shared_data, "cyclegan_facades_128.npz")
    code = cli.main(["train", "cyclegan", "--data", data, "--pool-size", "-1",
                     "--output", str(tmp_path / "r")])
    assert code == 2
    assert "--pool-size" in capsys.readouterr().err
    code = cli.main(["train", "cyclegan", "--data", os.path.join(shared_data, "facades_128.npz"),
                     "--output", str(tmp_path / "s")])
    assert code == 2


def test_a_folder_without_train_b_is_one_line_and_leaves_nothing(tmp_path, capsys):
    data = _domains(str(tmp_path / "domains"), counts=(("train", 2, 2),))
    os.rename(os.path.join(data, "trainB"), os.path.join(data, "other"))
    assert cli.main(["train", "cyclegan", "--data", data, "--output", str(tmp_path / "run"),
                     *TINY]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "trainB" in err[0] and "(missing)" in err[0]
    assert sorted(os.listdir(tmp_path)) == ["domains"]
