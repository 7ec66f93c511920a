import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.data import load_image_folder


def _save(folder, name, size=(6, 4), color=(10, 20, 30), mode="RGB"):
    os.makedirs(folder, exist_ok=True)
    Image.new(mode, size, color).save(os.path.join(folder, name))


@pytest.fixture
def classes(tmp_path):
    for label, shade in (("cats", 40), ("dogs", 200)):
        for i in range(5):
            _save(os.path.join(tmp_path, label), f"{i}.png", color=(shade, shade, shade))
    os.makedirs(os.path.join(tmp_path, "empty"))  # a folder without images is no class
    return str(tmp_path)


def test_labels_from_subfolders(classes):
    x, y, names = load_image_folder(classes, return_class_names=True)
    assert names == ["cats", "dogs"]
    assert x.shape == (10, 4, 6, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(y, [0] * 5 + [1] * 5)
    np.testing.assert_allclose(x[y == 1].max(), 200 / 255.0, atol=1e-6)


def test_grayscale_resize_and_flatten(classes):
    x, y = load_image_folder(classes, image_size=3, color_mode="grayscale", flatten=True, scale=None)
    assert x.shape == (10, 9)
    assert set(np.unique(x).tolist()) == {40.0, 200.0}


def test_fixed_split_and_limit(classes):
    with pytest.warns(UserWarning, match=r"no separate test set: split 'train' is a fixed 80 % of "
                                         r"its 10 samples \(8\)"):
        train, y_train = load_image_folder(classes, split="train")
    with pytest.warns(UserWarning, match="split 'test' is a fixed 20 %"):
        test, y_test = load_image_folder(classes, split="test")
    assert len(train) == 8 and len(test) == 2
    x, y = load_image_folder(classes, limit=3, seed=1)
    assert len(x) == len(y) == 3
    np.testing.assert_array_equal(load_image_folder(classes, limit=3, seed=1)[1], y)


def test_train_test_subfolders_are_splits(tmp_path):
    for split, count in (("train", 3), ("test", 2)):
        for label in ("a", "b"):
            for i in range(count):
                _save(os.path.join(tmp_path, split, label), f"{i}.jpg")
    x, y, names = load_image_folder(str(tmp_path), split="test", return_class_names=True)
    assert names == ["a", "b"] and len(x) == 4
    x, y = load_image_folder(str(tmp_path), split="all")
    assert len(x) == 10


def test_rgba_mode(tmp_path):
    _save(str(tmp_path), "0.png", color=(1, 2, 3, 4), mode="RGBA")
    x, y = load_image_folder(str(tmp_path), color_mode="rgba", scale=None)
    assert x.shape == (1, 4, 6, 4) and y is None
    np.testing.assert_array_equal(x[0, 0, 0], [1, 2, 3, 4])


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="existing folder"):
        load_image_folder(os.path.join(tmp_path, "nowhere"))
    with pytest.raises(ValueError, match="none found"):
        load_image_folder(str(tmp_path))
    _save(str(tmp_path), "0.png", size=(4, 4))
    _save(str(tmp_path), "1.png", size=(5, 5))
    with pytest.raises(ValueError, match="image_size"):
        load_image_folder(str(tmp_path))
    assert load_image_folder(str(tmp_path), image_size=(2, 3))[0].shape == (2, 2, 3, 3)
    with pytest.raises(ValueError, match="color_mode='cmyk'"):
        load_image_folder(str(tmp_path), color_mode="cmyk")
    with pytest.raises(ValueError, match="image_size=\\(0, 3\\)"):
        load_image_folder(str(tmp_path), image_size=(0, 3))
    with open(os.path.join(tmp_path, "2.png"), "w") as f:
        f.write("not a png")
    with pytest.raises(ValueError, match="2.png"):
        load_image_folder(str(tmp_path), image_size=4)
    _save(os.path.join(tmp_path, "sub"), "0.png")
    with pytest.raises(ValueError, match="not both"):
        load_image_folder(str(tmp_path))
