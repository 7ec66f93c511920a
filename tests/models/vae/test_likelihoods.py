import math

import keras
import numpy as np
import pytest

from keras_gen.models.vae import likelihoods


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_bernoulli_matches_numpy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(3, 5)).astype("float32")
    x = (rng.random((3, 5)) > 0.5).astype("float32")
    p = 1 / (1 + np.exp(-logits.astype("float64")))
    expected = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    np.testing.assert_allclose(_np(likelihoods.log_likelihood("bernoulli", x, keras.ops.convert_to_tensor(logits))),
                               expected, rtol=1e-5)


def test_gaussian_matches_numpy():
    rng = np.random.default_rng(1)
    mean = rng.normal(size=(2, 4)).astype("float32")
    x = rng.normal(size=(2, 4)).astype("float32")
    sigma = 0.7
    expected = np.sum(-0.5 * ((x - mean) / sigma) ** 2 - math.log(sigma) - 0.5 * math.log(2 * math.pi), axis=1)
    got = likelihoods.log_likelihood("gaussian", x, keras.ops.convert_to_tensor(mean),
                                     keras.ops.convert_to_tensor(math.log(sigma)))
    np.testing.assert_allclose(_np(got), expected, rtol=1e-5)


def test_continuous_bernoulli_normalizes_and_mean_is_right():
    # The density integrates to one, and the mean formula matches the integral,
    # including logits inside the small-logit Taylor region.
    grid = (np.arange(20000) + 0.5) / 20000
    for logit in (-6.0, -0.5, -1e-3, 0.0, 2e-3, 0.8, 9.0):
        logits = keras.ops.convert_to_tensor(np.full((len(grid), 1), logit, "float32"))
        density = np.exp(_np(likelihoods.log_likelihood(
            "continuous_bernoulli", grid[:, None].astype("float32"), logits)).astype("float64"))
        assert np.mean(density) == pytest.approx(1.0, abs=2e-3)
        mean = float(_np(likelihoods.decoder_mean("continuous_bernoulli", logits[:1]))[0, 0])
        assert mean == pytest.approx(np.mean(density * grid), abs=2e-3)


def test_gaussian_kl_matches_monte_carlo():
    rng = np.random.default_rng(2)
    mean = np.array([[0.5, -1.0]], "float32")
    log_var = np.array([[-0.5, 0.3]], "float32")
    z = mean + np.exp(0.5 * log_var) * rng.normal(size=(200000, 2))
    log_q = np.sum(-0.5 * (z - mean) ** 2 / np.exp(log_var) - 0.5 * log_var - 0.5 * np.log(2 * np.pi), axis=1)
    log_p = np.sum(-0.5 * z ** 2 - 0.5 * np.log(2 * np.pi), axis=1)
    kl = float(_np(likelihoods.gaussian_kl(keras.ops.convert_to_tensor(mean),
                                           keras.ops.convert_to_tensor(log_var)))[0])
    assert kl == pytest.approx(np.mean(log_q - log_p), abs=0.01)
