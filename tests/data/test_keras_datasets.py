import os

import keras
import numpy as np
import pytest

from keras_gen.data import load_keras_dataset
from keras_gen.data import local_copy


def _fake_cifar(tmp_path):
    rng = np.random.default_rng(0)
    path = os.path.join(tmp_path, "cifar10.npz")
    np.savez(path, x_train=rng.integers(0, 256, (6, 32, 32, 3), dtype="uint8"),
             y_train=rng.integers(0, 10, (6, 1)), x_test=rng.integers(0, 256, (2, 32, 32, 3), dtype="uint8"),
             y_test=rng.integers(0, 10, (2, 1)))
    return path


def _no_download(monkeypatch):
    def refuse():
        raise AssertionError("tried to download")

    for name in ("mnist", "fashion_mnist", "cifar10", "cifar100"):
        monkeypatch.setattr(getattr(keras.datasets, name), "load_data", refuse)


def test_local_copy_from_environment(shared_data, monkeypatch):
    _no_download(monkeypatch)
    monkeypatch.setenv("KERAS_GEN_DATA", shared_data)
    assert local_copy("mnist") == os.path.join(shared_data, "mnist.npz")
    x, y = load_keras_dataset("fashion_mnist", split="test", limit=20)
    assert x.shape == (20, 28, 28, 1) and y.shape == (20,)


def test_data_dir_overrides_environment(tmp_path, shared_data, monkeypatch):
    _no_download(monkeypatch)
    monkeypatch.setenv("KERAS_GEN_DATA", shared_data)
    _fake_cifar(tmp_path)
    x, y = load_keras_dataset("cifar10", split="all", data_dir=str(tmp_path))
    assert x.shape == (8, 32, 32, 3) and y.shape == (8,)  # (N, 1) labels flattened


def test_download_fallback_uses_keras_datasets(tmp_path, monkeypatch):
    calls = []
    x_train = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
    x_test = np.zeros((2, 28, 28), "uint8")

    def fake_load_data():
        calls.append(True)
        return (x_train.astype("uint8"), np.array([1, 2, 3])), (x_test, np.array([4, 5]))

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fake_load_data)
    monkeypatch.setenv("KERAS_GEN_DATA", str(tmp_path))  # a folder without mnist.npz
    x, y = load_keras_dataset("mnist", split="train", scale=None, flatten=True)
    assert calls == [True]
    np.testing.assert_array_equal(x, x_train.reshape(3, -1).astype("uint8").astype("float32"))
    np.testing.assert_array_equal(y, [1, 2, 3])
    monkeypatch.delenv("KERAS_GEN_DATA")
    x, y = load_keras_dataset("mnist", split="test")
    assert len(calls) == 2 and y.tolist() == [4, 5]


def test_download_failure_names_the_offline_route(tmp_path, monkeypatch):
    def fail():
        raise OSError("URL fetch failure")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", fail)
    monkeypatch.delenv("KERAS_GEN_DATA", raising=False)
    with pytest.raises(RuntimeError, match="KERAS_GEN_DATA"):
        load_keras_dataset("fashion_mnist")


def test_no_download_without_a_copy(tmp_path, monkeypatch):
    _no_download(monkeypatch)
    with pytest.raises(ValueError, match="download=False"):
        load_keras_dataset("mnist", data_dir=str(tmp_path), download=False)


def test_bad_names_and_folders(tmp_path):
    with pytest.raises(ValueError, match="name='svhn'"):
        load_keras_dataset("svhn")
    with pytest.raises(ValueError, match="data_dir="):
        load_keras_dataset("mnist", data_dir=os.path.join(tmp_path, "missing"))
