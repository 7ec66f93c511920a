"""`keras-gen translate --input`: the user's own pictures read at the model's size, written under their names."""

import argparse
import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.cli import image_files

pytestmark = pytest.mark.backends("tensorflow", reason="NumPy and PIL only; no model runs")


def _pictures(folder, sizes):
    os.makedirs(folder, exist_ok=True)
    for name, size in sizes.items():
        Image.new("RGB", size, (255, 0, 0)).save(os.path.join(folder, name))
    return str(folder)


def test_a_folder_is_read_at_the_models_size_in_natural_order(tmp_path):
    folder = _pictures(tmp_path / "mine", {"street10.png": (40, 30), "street2.jpg": (16, 16)})
    images, names = image_files.read_inputs(folder, image_size=8, channels=3)
    assert names == ["street2.jpg", "street10.png"]
    assert images.shape == (2, 8, 8, 3) and images.dtype == np.float32
    np.testing.assert_allclose(images[1, 4, 4], [1.0, -1.0, -1.0], atol=0.02)  # red in [-1, 1]
    grey, _ = image_files.read_inputs(os.path.join(folder, "street10.png"), 8, channels=1)
    assert grey.shape == (1, 8, 8, 1)


def test_crop_keeps_the_centre_square(tmp_path):
    picture = np.zeros((10, 30, 3), "uint8")
    picture[:, 10:20] = 255  # a white centre square between black sides
    Image.fromarray(picture).save(tmp_path / "wide.png")
    cropped, _ = image_files.read_inputs(str(tmp_path / "wide.png"), 10, 3, crop=True)
    squeezed, _ = image_files.read_inputs(str(tmp_path / "wide.png"), 10, 3)
    assert cropped.min() == 1.0 and squeezed.min() == -1.0


@pytest.mark.parametrize("make, message", [
    (lambda root: _pictures(root, {}), "a folder without images"),
    (lambda root: str(root / "absent.png"), "no such file or folder"),
    (lambda root: (root / "notes.png").write_text("not a picture") and str(root), "notes.png.*not an image"),
])
def test_what_is_not_a_picture_is_named(tmp_path, make, message):
    with pytest.raises(ValueError, match=message):
        image_files.read_inputs(make(tmp_path), 8, 3)


def test_translation_rows_interleave_the_columns_in_colour():
    inputs = np.zeros((2, 4, 4, 1), "float32")
    outputs = np.ones((2, 4, 4, 3), "float32")
    rows = image_files.translation_rows(inputs, outputs)
    assert rows.shape == (4, 4, 4, 3)
    assert rows[0].max() == 0.0 and rows[1].min() == 1.0 and rows[2].max() == 0.0


def test_outputs_keep_their_names_and_never_replace_what_train_wrote(tmp_path):
    images = np.stack([np.full((4, 4, 3), -1.0), np.full((4, 4, 3), 1.0)]).astype("float32")
    args = argparse.Namespace(overwrite=False)
    paths = image_files.write_outputs(args, str(tmp_path), str(tmp_path / "out"), ["a.jpg", "b.png"], images)
    assert [os.path.basename(p) for p in paths] == ["a.jpg", "b.png"]
    with Image.open(paths[0]) as first, Image.open(paths[1]) as second:
        assert first.format == "JPEG" and second.format == "PNG"
        assert np.asarray(second).min() == 255
    (tmp_path / "run.json").write_text('{"files": ["samples.png"]}')
    (tmp_path / "samples.png").write_bytes(b"train's picture")
    with pytest.raises(ValueError, match="--overwrite"):
        image_files.write_outputs(args, str(tmp_path), str(tmp_path), ["samples.png"], images[:1])
    assert (tmp_path / "samples.png").read_bytes() == b"train's picture"
