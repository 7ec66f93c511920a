import numpy as np
import pytest

from keras_gen.metrics.precision_recall import precision_recall


def test_collapse_keeps_precision_and_loses_recall():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(600, 2))
    collapsed = real[:600] * 0.05  # all samples near the centre: one mode
    scores = precision_recall(real, collapsed)
    assert scores["precision"] > 0.9 and scores["recall"] < 0.2


def test_off_manifold_samples_lose_precision():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(600, 2))
    scores = precision_recall(real, rng.normal(size=(600, 2)) + 6.0)
    assert scores["precision"] < 0.05
    same = precision_recall(real, rng.normal(size=(600, 2)))
    assert same["precision"] > 0.8 and same["recall"] > 0.8


def test_bad_inputs():
    with pytest.raises(ValueError, match="k"):
        precision_recall(np.zeros((3, 2)), np.zeros((3, 2)), k=3)
    with pytest.raises(ValueError, match="generated_features"):
        precision_recall(np.zeros((5, 2)), np.zeros((5,)))


def test_scores_refuse_images_of_different_shapes_or_ranges(backend):
    from keras_gen.metrics.precision_recall import precision_recall_score

    images = np.random.default_rng(0).uniform(size=(8, 28, 28, 1))
    with pytest.raises(ValueError, match="one image shape"):
        precision_recall_score(images, images[:, :27])
    with pytest.raises(ValueError, match="share a value range"):
        precision_recall_score(images, images * 2 - 1, value_range=(-1, 1))
