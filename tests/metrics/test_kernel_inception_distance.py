import keras
import numpy as np
import pytest

from keras_gen.metrics.kernel_inception_distance import kernel_distance
from keras_gen.metrics.kernel_inception_distance import kid_score


def test_unbiased_near_zero_for_one_distribution_and_grows_with_shift():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, _ = kernel_distance(a, b, subsets=20, subset_size=300)
    shifted, _ = kernel_distance(a, b + 0.5, subsets=20, subset_size=300)
    near, _ = kernel_distance(a, b + 0.1, subsets=20, subset_size=300)
    assert abs(same) < 0.05
    assert shifted > near > same


def test_any_feature_model(backend):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])
    x = np.random.default_rng(0).normal(size=(100, 6)).astype("float32")
    mean, std = kid_score(x, x + 2.0, model, subsets=5, subset_size=50)
    assert mean > 0 and std >= 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="subset_size"):
        kernel_distance(np.zeros((5, 2)), np.zeros((5, 2)), subset_size=1)
    with pytest.raises(ValueError, match="same size"):
        kernel_distance(np.zeros((5, 2)), np.zeros((5, 3)))
