import numpy as np
import pytest
from sklearn import datasets
from sklearn.model_selection import train_test_split

from keras_gen.data import load_digits


def test_splits_match_the_scikit_learn_example_protocol():
    data = datasets.load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=0
    )
    x, y = load_digits(split="train", flatten=True)
    np.testing.assert_allclose(x, x_train / 16.0, atol=1e-7)
    np.testing.assert_array_equal(y, y_train)
    x, y = load_digits(split="test", flatten=True)
    np.testing.assert_allclose(x, x_test / 16.0, atol=1e-7)
    np.testing.assert_array_equal(y, y_test)


def test_all_split_images_and_raw_scale():
    x, y = load_digits(split="all", scale=None)
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert y.dtype == np.int64 and set(y.tolist()) == set(range(10))
    assert x.max() == 16.0 and x.min() == 0.0


def test_signed_and_binary_scales():
    x, _ = load_digits(scale="signed")
    assert x.min() == -1.0 and x.max() == 1.0
    x, _ = load_digits(scale="binary", threshold=0.5)
    raw, _ = load_digits(scale="unit")
    np.testing.assert_array_equal(x, (raw > 0.5).astype("float32"))


def test_limit_is_a_seeded_subset():
    x_all, y_all = load_digits(flatten=True)
    x1, y1 = load_digits(flatten=True, limit=50, seed=3)
    x2, _ = load_digits(flatten=True, limit=50, seed=3)
    x3, _ = load_digits(flatten=True, limit=50, seed=4)
    assert x1.shape == (50, 64)
    np.testing.assert_array_equal(x1, x2)
    assert not np.array_equal(x1, x3)
    # every kept row is a row of the full split, with its own label
    rows = {tuple(r): label for r, label in zip(x_all, y_all)}
    assert all(rows[tuple(r)] == label for r, label in zip(x1, y1))


def test_bad_arguments():
    for kwargs, word in [
        ({"split": "validation"}, "split='validation'"),
        ({"scale": "zero_one"}, "scale='zero_one'"),
        ({"limit": 0}, "limit=0"),
        ({"seed": -1}, "seed=-1"),
    ]:
        with pytest.raises(ValueError, match=word):
            load_digits(**kwargs)
