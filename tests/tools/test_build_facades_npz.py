"""tools/build_facades_npz.py rebuilds the shipped archive from the public layout."""

import importlib.util
import os

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="file handling; no model runs")

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "build_facades_npz.py")


def _script():
    spec = importlib.util.spec_from_file_location("build_facades_npz", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shipped(shared_data):
    with np.load(os.path.join(shared_data, "facades_128.npz")) as data:
        return {key: data[key] for key in data.files}


def test_rebuilds_the_shipped_arrays_from_the_archive_layout(shipped, tmp_path):
    # Pix2Pix's facades/ layout: train/ and test/ of N.jpg holding the photo on the
    # left and its label map on the right, written losslessly from the archive.
    folder = tmp_path / "facades"
    for split in ("train", "test"):
        os.makedirs(folder / split)
        for photo, labels, number in zip(shipped[f"targets_{split}"], shipped[f"inputs_{split}"],
                                         shipped[f"ids_{split}"]):
            Image.fromarray(np.concatenate([photo, labels], axis=1)).save(
                folder / split / f"{number}.png")
    output = tmp_path / "rebuilt.npz"
    assert _script().main([str(folder), "--output", str(output)]) == 0
    with np.load(output) as rebuilt:
        assert sorted(rebuilt.files) == sorted(shipped)
        for key, value in shipped.items():
            np.testing.assert_array_equal(rebuilt[key], value, err_msg=key)
            assert rebuilt[key].dtype == value.dtype


def test_full_size_photos_and_label_maps_are_resized_apart(tmp_path):
    # At the archive's 256 px: label maps keep their colours (nearest neighbour).
    rng = np.random.default_rng(0)
    colours = np.array([[255, 0, 0], [0, 0, 255]], "uint8")
    labels = colours[rng.integers(0, 2, (128, 128))].repeat(2, 0).repeat(2, 1)
    photo = rng.integers(0, 256, (256, 256, 3), dtype="uint8")
    for split in ("train", "test"):
        os.makedirs(tmp_path / split)
        Image.fromarray(np.concatenate([photo, labels], axis=1)).save(tmp_path / split / "7.png")
    arrays = _script().build(str(tmp_path), size=128)
    assert arrays["inputs_train"].shape == arrays["targets_test"].shape == (1, 128, 128, 3)
    assert arrays["ids_test"].tolist() == [7]
    np.testing.assert_array_equal(arrays["inputs_train"][0], labels[::2, ::2])
