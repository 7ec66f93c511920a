import numpy as np
import pytest

from keras_gen.data import load_digits
from keras_gen.data import moving_digits
from keras_gen.metrics.digit_crops import digit_crop_quality
from keras_gen.metrics.digit_crops import digit_crops


def test_crops_follow_the_digits():
    data = moving_digits(count=3, frames=4, size=16, digits=1, source=load_digits(), seed=2)
    crops, classes = digit_crops(data["frames"], data["positions"], data["labels"],
                                 data["boxes"], digit_size=8)
    assert crops.shape == (12, 8, 8, 1)
    np.testing.assert_array_equal(classes, np.repeat(data["labels"][:, 0], 4))
    # A digit moves without changing: every crop of a video is the same.
    for n in range(3):
        np.testing.assert_array_equal(crops[4 * n], crops[4 * n + 3])


def test_mnist_quality(shared_data):
    data = moving_digits(count=12, frames=3, digits=1, split="test", seed=0, data_dir=shared_data)
    real = digit_crop_quality(data["frames"], data["frames"], data["positions"], data["labels"],
                              data["boxes"])
    assert real["crops"] == 36 and real["fid"] == 0.0 and real["accuracy"] >= 0.9
    blank = np.full_like(data["frames"], -1.0)
    empty = digit_crop_quality(blank, data["frames"], data["positions"], data["labels"],
                               data["boxes"])
    assert empty["accuracy"] < 0.5 and empty["fid"] > 10 * max(real["fid"], 1.0)
    assert empty["real_accuracy"] == real["accuracy"]


def test_bad_inputs():
    with pytest.raises(ValueError, match="positions"):
        digit_crops(np.zeros((1, 2, 8, 8)), np.zeros((1, 3, 1, 2), "int32"), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="same shape"):
        digit_crop_quality(np.zeros((1, 2, 8, 8)), np.zeros((1, 3, 8, 8)),
                           np.zeros((1, 2, 1, 2), "int32"), np.zeros((1, 1), "int32"))
