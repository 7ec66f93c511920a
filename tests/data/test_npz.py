import os

import numpy as np
import pytest

from keras_gen.data import load_npz
from keras_gen.data import npz_layout


def _labeled(tmp_path, **arrays):
    path = os.path.join(tmp_path, "data.npz")
    np.savez(path, **arrays)
    return path


@pytest.fixture
def mnist_like(tmp_path):
    rng = np.random.default_rng(0)
    return _labeled(
        tmp_path,
        x_train=rng.integers(0, 256, (12, 6, 5), dtype="uint8"),
        y_train=rng.integers(0, 10, 12).astype("uint8"),
        x_test=rng.integers(0, 256, (4, 6, 5), dtype="uint8"),
        y_test=rng.integers(0, 10, 4).astype("uint8"),
    )


def test_mnist_like_splits(mnist_like):
    with np.load(mnist_like) as raw:
        x, y = load_npz(mnist_like, split="train")
        assert x.shape == (12, 6, 5, 1) and x.dtype == np.float32
        np.testing.assert_allclose(x[..., 0], raw["x_train"] / 255.0, atol=1e-7)
        np.testing.assert_array_equal(y, raw["y_train"])
        assert y.dtype == np.int64
        x, y = load_npz(mnist_like, split="test", flatten=True)
        assert x.shape == (4, 30)
        np.testing.assert_array_equal(y, raw["y_test"])
        x, y = load_npz(mnist_like, split="all", scale=None)
        np.testing.assert_array_equal(x[12:, ..., 0], raw["x_test"])
        assert len(y) == 16


def test_single_x_archive_has_a_fixed_split(tmp_path):
    x = np.linspace(0, 1, 50 * 3, dtype="float32").reshape(50, 3)
    path = _labeled(tmp_path, x=x)
    with pytest.warns(UserWarning, match=r"'data.npz' has no separate test set: split 'train' "
                                         r"is a fixed 80 % of its 50 samples \(40\)"):
        train, labels = load_npz(path, split="train")
    with pytest.warns(UserWarning, match="split 'test' is a fixed 20 %"):
        test, _ = load_npz(path, split="test")
    assert labels is None
    assert train.shape == (40, 3) and test.shape == (10, 3)
    both = np.concatenate([train, test])
    np.testing.assert_array_equal(np.sort(both, axis=0), x)  # disjoint and complete
    np.testing.assert_array_equal(load_npz(path, split="train")[0], train)


def test_signed_float_archive_is_read_as_signed(tmp_path):
    path = _labeled(tmp_path, x_train=np.array([[-1.0, 0.0, 1.0]], "float32"))
    x, _ = load_npz(path, scale="unit")
    np.testing.assert_allclose(x, [[0.0, 0.5, 1.0]])
    path = _labeled(tmp_path, x_train=np.array([[0.0, 8.0, 16.0]], "float32"))
    with pytest.raises(ValueError, match="value_range"):
        load_npz(path)
    x, _ = load_npz(path, value_range=(0, 16))
    np.testing.assert_allclose(x, [[0.0, 0.5, 1.0]])


def test_paired_shared_archive(shared_data):
    path = os.path.join(shared_data, "facades_128.npz")
    inputs, targets = load_npz(path, split="test", scale="signed", limit=5, seed=1)
    assert inputs.shape == targets.shape == (5, 128, 128, 3)
    assert inputs.min() >= -1 and inputs.max() <= 1
    with np.load(path) as raw:
        # the pairing survives the random subset
        stored = raw["inputs_test"] / 127.5 - 1
        rows = [int(np.abs(stored - inputs[i]).sum(axis=(1, 2, 3)).argmin()) for i in range(5)]
        np.testing.assert_allclose(inputs, stored[rows], atol=1e-6)
        np.testing.assert_allclose(targets, raw["targets_test"][rows] / 127.5 - 1, atol=1e-6)


def test_unpaired_shared_archive(shared_data):
    path = os.path.join(shared_data, "cyclegan_facades_128.npz")
    a, b = load_npz(path, split="all", limit=7)
    assert a.shape == b.shape == (7, 128, 128, 3)
    a, b = load_npz(path, split="train")
    assert len(a) == len(b) == 200


def test_mnist_shared_archive(shared_data):
    x, y = load_npz(os.path.join(shared_data, "mnist.npz"), split="test", scale="binary", flatten=True)
    assert x.shape == (10000, 784) and set(np.unique(x).tolist()) == {0.0, 1.0}
    assert np.bincount(y).tolist()[:2] == [980, 1135]


def test_layout_names():
    assert npz_layout(["x_train", "y_train"]) == "labeled"
    assert npz_layout(["x", "y"]) == "labeled"
    assert npz_layout(["a_train", "b_train", "ids_a_train"]) == "unpaired"
    with pytest.raises(ValueError, match="Received: arrays \\['images'\\]"):
        npz_layout(["images"])


def test_missing_file(tmp_path):
    missing = os.path.join(tmp_path, "nope.npz")
    with pytest.raises(ValueError, match="no such file"):
        load_npz(missing)


def test_not_an_archive(tmp_path):
    path = os.path.join(tmp_path, "bad.npz")
    with open(path, "w") as f:
        f.write("not a zip")
    with pytest.raises(ValueError, match="bad.npz"):
        load_npz(path)


def test_bad_archives(tmp_path):
    for arrays, pattern in [
        ({"x_train": np.array([["a", "b"]])}, "hold numbers"),
        ({"x_train": np.zeros((0, 4, 4), "uint8")}, "non-empty"),
        ({"x_train": np.array([[0.5, np.nan]], "float32")}, "NaN"),
        ({"x_train": np.zeros((2, 2, 2, 2, 2))}, "shape \\(2, 2, 2, 2, 2\\)"),
        ({"x_train": np.zeros(5)}, "shape \\(5,\\)"),
        ({"x_train": np.zeros((3, 4)), "y_train": np.zeros(2)}, "one class label per sample"),
        ({"x_train": np.zeros((2, 4)), "y_train": np.array([0.5, 1.0])}, "integer class labels"),
        ({"x_train": np.zeros((2, 4, 4)), "x_test": np.zeros((2, 5, 5))}, "share a sample shape"),
        ({"inputs_train": np.zeros((2, 4, 4, 3)), "targets_train": np.zeros((2, 8, 8, 3))},
         "share size and channels"),
        ({"inputs_train": np.zeros((2, 4, 4, 3)), "targets_train": np.zeros((2, 4, 4, 1))},
         "share size and channels"),
        ({"inputs_train": np.zeros((2, 4, 4, 3)), "targets_train": np.zeros((3, 4, 4, 3))},
         "2 inputs and 3 targets"),
        ({"a_train": np.zeros((2, 4, 4, 3)), "b_train": np.zeros((2, 6, 6, 3))},
         "share size and channels"),
    ]:
        path = os.path.join(tmp_path, "bad.npz")
        np.savez(path, **arrays)
        with pytest.raises(ValueError, match=pattern):
            load_npz(path, split="all" if "x_test" in arrays else "train")


def test_object_array_is_refused(tmp_path):
    path = os.path.join(tmp_path, "objects.npz")
    np.savez(path, x_train=np.array([object(), object()], dtype=object))
    with pytest.raises(ValueError, match="x_train"):
        load_npz(path)


def test_missing_split(mnist_like, tmp_path):
    path = _labeled(tmp_path, x_train=np.zeros((3, 4)))
    with pytest.raises(ValueError, match="'x_test'.*split='test'"):
        load_npz(path, split="test")
