import itertools

import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from keras_gen.models.dbn.likelihood_bound import ais_lower_bound
from keras_gen.models.dbn.likelihood_bound import exact_log_likelihood
from keras_gen.models.dbn.likelihood_bound import lower_bound
from keras_gen.models.rbm.ais import exact_log_partition


def _random_dbn(layers=(4, 3), visible=5, scale=1.0, seed=0):
    dbn = DBN(list(layers), seed=seed)
    dbn.build((None, visible))
    rng = np.random.default_rng(seed)
    for rbm in dbn.rbms:
        rbm.kernel.assign(rng.normal(0.0, scale, rbm.kernel.shape).astype("float32"))
        for bias in (rbm.visible_bias, rbm.hidden_bias):
            bias.assign(rng.normal(0.0, 0.5, bias.shape).astype("float32"))
    return dbn


def _states(units):
    return np.array(list(itertools.product([0, 1], repeat=units)), "float64")


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _brute_force(dbn):
    """Exact log p(v) and the exact bound for every v of a two-layer DBN, in NumPy."""
    bottom, top = dbn.rbms
    w1, b1, c1 = (keras.ops.convert_to_numpy(p).astype("float64") for p in (bottom.kernel, bottom.visible_bias,
                                                                            bottom.hidden_bias))
    w2, b2, c2 = (keras.ops.convert_to_numpy(p).astype("float64") for p in (top.kernel, top.visible_bias,
                                                                            top.hidden_bias))
    v, h1, h2 = _states(w1.shape[0]), _states(w1.shape[1]), _states(w2.shape[1])
    joint_top = h1 @ w2 @ h2.T + (h1 @ b2)[:, None] + (h2 @ c2)[None, :]
    log_prior = np.logaddexp.reduce(joint_top, axis=1)
    log_prior -= np.logaddexp.reduce(log_prior)
    logits = h1 @ w1.T + b1
    log_given = v @ logits.T - np.logaddexp(0.0, logits).sum(axis=1)[None, :]
    log_p = np.logaddexp.reduce(log_given + log_prior[None, :], axis=1)
    q = _sigmoid(v @ w1 + c1)
    log_q = h1 @ np.log(q).T + (1 - h1) @ np.log(1 - q).T
    bound = np.sum(np.exp(log_q.T) * (log_given + log_prior[None, :] - log_q.T), axis=1)
    return v.astype("float32"), log_p, bound


def test_exact_likelihood_and_bound_match_enumeration():
    dbn = _random_dbn()
    v, log_p, exact_bound = _brute_force(dbn)
    np.testing.assert_allclose(exact_log_likelihood(dbn, v), log_p, atol=1e-5)
    assert np.all(exact_bound <= log_p + 1e-9)
    estimate = lower_bound(dbn, v, exact_log_partition(dbn.rbms[-1]), num_samples=400, seed=0)
    np.testing.assert_allclose(estimate, exact_bound, atol=0.25)
    assert abs(np.mean(estimate - exact_bound)) < 0.03


def test_three_layer_bound_is_below_the_likelihood_it_bounds():
    # p(v) of a three-layer DBN, enumerated: sum over h1, h2 of p(v|h1) p(h1|h2) p(h2).
    dbn = _random_dbn(layers=(3, 3, 2), visible=4)
    rbms = dbn.rbms
    params = [[keras.ops.convert_to_numpy(p).astype("float64") for p in (r.kernel, r.visible_bias, r.hidden_bias)]
              for r in rbms]
    v, h1, h2, h3 = _states(4), _states(3), _states(3), _states(2)
    (w1, b1, _), (w2, b2, _), (w3, b3, c3) = params
    top = np.logaddexp.reduce(h2 @ w3 @ h3.T + (h2 @ b3)[:, None] + (h3 @ c3)[None, :], axis=1)
    top -= np.logaddexp.reduce(top)

    def log_given(lower, upper, w, b):
        logits = upper @ w.T + b
        return lower @ logits.T - np.logaddexp(0.0, logits).sum(axis=1)[None, :]

    log_h1 = np.logaddexp.reduce(log_given(h1, h2, w2, b2) + top[None, :], axis=1)
    log_p = np.logaddexp.reduce(log_given(v, h1, w1, b1) + log_h1[None, :], axis=1)
    estimate = lower_bound(dbn, v.astype("float32"), exact_log_partition(rbms[-1]), num_samples=300, seed=1)
    assert np.all(estimate <= log_p + 0.3) and np.mean(log_p - estimate) > 0.0


def test_ais_lower_bound_agrees_with_exact_log_z():
    dbn = _random_dbn()
    v, _, exact_bound = _brute_force(dbn)
    result = ais_lower_bound(dbn, v, data=v, num_samples=200, num_runs=100, betas=1000, seed=0)
    assert result["lower_bound"] == pytest.approx(exact_bound.mean(), abs=0.1)
    assert result["lower_bound_low"] <= result["lower_bound"] <= result["lower_bound_high"]


def test_labelled_top_layer_sums_the_label_out():
    dbn = DBN([4, 3], num_classes=3, seed=0)
    dbn.build((None, 5))
    rng = np.random.default_rng(4)
    for rbm in dbn.rbms:
        rbm.kernel.assign(rng.normal(0.0, 1.0, rbm.kernel.shape).astype("float32"))
        rbm.visible_bias.assign(rng.normal(0.0, 0.5, rbm.visible_bias.shape).astype("float32"))
    v = _states(5).astype("float32")
    log_p = exact_log_likelihood(dbn, v)
    assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-6)
    result = ais_lower_bound(dbn, v, data=v, num_samples=200, num_runs=100, betas=1000, seed=0)
    exact_bound = lower_bound(dbn, v, exact_log_partition(dbn.rbms[-1]), num_samples=200, seed=0)
    assert result["lower_bound"] == pytest.approx(exact_bound.mean(), abs=0.1)
    assert exact_bound.mean() <= log_p.mean() + 0.05


def test_bad_input():
    dbn = _random_dbn()
    x = np.zeros((2, 5), "float32")
    with pytest.raises(ValueError, match="binary"):
        lower_bound(dbn, x + 0.5, 0.0)
    with pytest.raises(ValueError, match="num_samples"):
        lower_bound(dbn, x, 0.0, num_samples=0)
    with pytest.raises(ValueError, match="num_runs"):
        ais_lower_bound(dbn, x, num_runs=0)
    with pytest.raises(ValueError, match="betas"):
        ais_lower_bound(dbn, x, betas=0)
    with pytest.raises(ValueError, match="dbn"):
        lower_bound(DBN([3]), x, 0.0)
    gaussian = DBN([3, 2], visible_type="gaussian")
    gaussian.build((None, 5))
    with pytest.raises(ValueError, match="Bernoulli"):
        lower_bound(gaussian, x, 0.0)
    with pytest.raises(ValueError, match="two-layer"):
        exact_log_likelihood(_random_dbn(layers=(2, 2, 2)), x)


def test_ais_that_misses_the_top_mode_is_flagged_invalid():
    # Top RBM with one dominant state (h1 all on, p* ~ e^60) that a single
    # annealing step from the uniform base cannot find.
    dbn = _random_dbn()
    bottom, top = dbn.rbms
    bottom.kernel.assign(np.full(bottom.kernel.shape, 4.0, "float32"))
    bottom.hidden_bias.assign(np.full(bottom.hidden_bias.shape, -2.0, "float32"))
    top.kernel.assign(np.full(top.kernel.shape, 6.0, "float32"))
    top.visible_bias.assign(np.full(top.visible_bias.shape, -9.0, "float32"))
    top.hidden_bias.assign(np.full(top.hidden_bias.shape, -6.0, "float32"))
    x = np.ones((4, 5), "float32")
    exact = exact_log_partition(top)
    failed = ais_lower_bound(dbn, x, num_samples=2, num_runs=4, betas=2, seed=0)
    assert failed["log_z_floor"] <= exact + 1e-4
    assert failed["log_z"] < failed["log_z_floor"] and not failed["valid"]
    good = ais_lower_bound(dbn, x, num_samples=2, num_runs=50, betas=2000, seed=0)
    assert good["valid"] and abs(good["log_z"] - exact) < 0.5
