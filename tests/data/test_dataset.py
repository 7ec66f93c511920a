import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gen.data import DATASET_NAMES
from keras_gen.data import load_dataset


def test_digits_is_the_default_embedded_set(digits):
    x, y = load_dataset("digits", split="all", flatten=True)
    np.testing.assert_allclose(x, digits[0], atol=1e-7)
    np.testing.assert_array_equal(y, digits[1])


def test_names_read_the_local_copy(shared_data, monkeypatch):
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: pytest.fail("downloaded"))
    monkeypatch.setenv("KERAS_GEN_DATA", shared_data)
    x, y = load_dataset("MNIST", split="test", scale="binary", flatten=True, limit=64, seed=2)
    assert x.shape == (64, 784) and x.dtype == np.float32
    assert set(np.unique(x).tolist()) == {0.0, 1.0} and y.dtype == np.int64
    x2, _ = load_dataset("mnist", split="test", scale="binary", flatten=True, limit=64, seed=2,
                         data_dir=shared_data)
    np.testing.assert_array_equal(x, x2)


def test_paths(shared_data, tmp_path):
    inputs, targets = load_dataset(os.path.join(shared_data, "facades_128.npz"), split="test",
                                   scale="signed", limit=3)
    assert inputs.shape == targets.shape == (3, 128, 128, 3)
    assert inputs.min() >= -1.0 and targets.max() <= 1.0
    folder = os.path.join(tmp_path, "faces")
    os.makedirs(folder)
    for i in range(5):
        Image.new("L", (6, 6), color=i * 50).save(os.path.join(folder, f"{i}.png"))
    x, y = load_dataset(folder, split="all", color_mode="grayscale", image_size=(3, 3))
    assert x.shape == (5, 3, 3, 1) and y is None
    np.testing.assert_allclose(x[:, 0, 0, 0], np.arange(5) * 50 / 255.0, atol=1e-6)


def test_stochastic_binary_is_seeded():
    a, _ = load_dataset("digits", scale="stochastic_binary", seed=1)
    b, _ = load_dataset("digits", scale="stochastic_binary", seed=1)
    c, _ = load_dataset("digits", scale="stochastic_binary", seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_bad_arguments():
    for name, kwargs, pattern in [
        ("imagenet", {}, "name_or_path='imagenet'.*no such dataset"),
        ("missing/file.npz", {}, "no such dataset, file or folder"),
        (3, {}, "name_or_path=3"),
        ("digits", {"split": "val"}, "split='val'"),
        ("digits", {"scale": "minus_one_one"}, "scale='minus_one_one'"),
        ("digits", {"limit": -5}, "limit=-5"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            load_dataset(name, **kwargs)


def test_wrong_file_type(tmp_path):
    path = os.path.join(tmp_path, "data.csv")
    with open(path, "w") as f:
        f.write("1,2\n")
    with pytest.raises(ValueError, match="data.csv"):
        load_dataset(path)


def test_names_are_listed():
    assert DATASET_NAMES[:4] == ("digits", "mnist", "fashion_mnist", "cifar10")
