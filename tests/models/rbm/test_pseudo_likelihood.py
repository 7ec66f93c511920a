import keras
import numpy as np
import pytest

from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood
from keras_gen.models import RBM


def _rbm(visible=10, hidden=6):
    rng = np.random.default_rng(0)
    rbm = RBM(hidden, seed=0)
    rbm.build((None, visible))
    rbm.kernel.assign(rng.normal(0, 0.7, (visible, hidden)).astype("float32"))
    rbm.visible_bias.assign(rng.normal(0, 1, visible).astype("float32"))
    rbm.hidden_bias.assign(rng.normal(0, 1, hidden).astype("float32"))
    return rbm


def _conditional_brute_force(rbm, x):
    """sum_i log p(x_i | x_-i) from free energies of both values of each unit."""
    total = np.zeros(len(x))
    for i in range(x.shape[1]):
        ones, zeros = x.copy(), x.copy()
        ones[:, i], zeros[:, i] = 1.0, 0.0
        f1 = keras.ops.convert_to_numpy(rbm.free_energy(ones)).astype("float64")
        f0 = keras.ops.convert_to_numpy(rbm.free_energy(zeros)).astype("float64")
        log_p1 = -np.logaddexp(0.0, f1 - f0)
        log_p0 = -np.logaddexp(0.0, f0 - f1)
        total += np.where(x[:, i] > 0.5, log_p1, log_p0)
    return total


def test_exact_pseudo_likelihood_matches_brute_force():
    rbm = _rbm()
    x = (np.random.default_rng(1).random((30, 10)) < 0.5).astype("float32")
    np.testing.assert_allclose(pseudo_log_likelihood(rbm, x, exact=True), _conditional_brute_force(rbm, x), atol=1e-4)


def test_stochastic_estimate_is_unbiased():
    rbm = _rbm()
    x = (np.random.default_rng(1).random((4000, 10)) < 0.5).astype("float32")
    exact = pseudo_log_likelihood(rbm, x, exact=True).mean()
    stochastic = pseudo_log_likelihood(rbm, x, seed=5)
    assert stochastic.shape == (4000,)
    assert stochastic.mean() == pytest.approx(exact, abs=4 * stochastic.std() / np.sqrt(len(x)))
    np.testing.assert_array_equal(stochastic, pseudo_log_likelihood(rbm, x, seed=5))


def test_bad_inputs():
    rbm = _rbm()
    with pytest.raises(ValueError, match="x"):
        pseudo_log_likelihood(rbm, np.ones((3, 4)))
    with pytest.raises(ValueError, match="x"):
        pseudo_log_likelihood(rbm, np.full((3, 10), 3.0))
    with pytest.raises(ValueError, match="batch_size"):
        pseudo_log_likelihood(rbm, np.ones((3, 10)), batch_size=0)
    gaussian = RBM(3, visible_type="gaussian")
    gaussian.build((None, 10))
    with pytest.raises(ValueError, match="model"):
        pseudo_log_likelihood(gaussian, np.ones((3, 10)))
