import itertools

import keras
import numpy as np
import pytest

from keras_gen.models import DBM
from keras_gen.models.dbm.ais import ais_log_partition
from keras_gen.models.dbm.ais import ais_lower_bound
from keras_gen.models.dbm.ais import exact_log_likelihood
from keras_gen.models.dbm.ais import exact_log_partition
from keras_gen.models.dbm.ais import variational_lower_bound


def _random_dbm(visible=7, hidden=(5, 4), scale=1.0, seed=0, num_classes=None):
    dbm = DBM(hidden, seed=seed, num_classes=num_classes)
    dbm.build((None, visible))
    rng = np.random.default_rng(seed)
    labelled = [dbm.label_kernel, dbm.label_bias] if num_classes else []
    for variable in [dbm.kernel_1, dbm.kernel_2] + labelled[:1]:
        variable.assign(rng.normal(0.0, scale, variable.shape).astype("float32"))
    for variable in [dbm.visible_bias, dbm.hidden_bias_1, dbm.hidden_bias_2] + labelled[1:]:
        variable.assign(rng.normal(0.0, 0.5, variable.shape).astype("float32"))
    return dbm


def _brute_force(dbm):
    """log Z and log p(v) for every v by summing exp(-E) over all (v, h1, h2[, label])."""
    layers = [dbm.data_units, *dbm.hidden_units]
    states = [np.array(list(itertools.product([0, 1], repeat=n)), "float64") for n in layers]
    v, h1, h2 = states
    numpy = lambda variable: keras.ops.convert_to_numpy(variable).astype("float64")  # noqa: E731
    w1, w2, b, c1, c2 = (numpy(p) for p in (dbm.kernel_1, dbm.kernel_2, dbm.visible_bias, dbm.hidden_bias_1,
                                            dbm.hidden_bias_2))
    energy = -(np.einsum("vi,ij,hj->vh", v, w1, h1)[:, :, None] + np.einsum("hj,jk,gk->hg", h1, w2, h2)[None]
               + (v @ b)[:, None, None] + (h1 @ c1)[None, :, None] + (h2 @ c2)[None, None, :])
    if dbm.num_classes:  # one label on at a time: a fourth axis over the classes
        label_terms = h2 @ numpy(dbm.label_kernel).T + numpy(dbm.label_bias)
        energy = energy[..., None] - label_terms[None, None]
    log_unnormalized = np.logaddexp.reduce(-energy.reshape(len(v), -1), axis=1)
    log_z = np.logaddexp.reduce(log_unnormalized)
    return log_z, v, log_unnormalized - log_z


@pytest.mark.parametrize("num_classes", [None, 3])
def test_exact_estimators_match_brute_force(num_classes):
    dbm = _random_dbm(num_classes=num_classes)
    log_z, v, log_p = _brute_force(dbm)
    assert exact_log_partition(dbm) == pytest.approx(log_z, abs=1e-6)
    np.testing.assert_allclose(exact_log_likelihood(dbm, v.astype("float32")), log_p, atol=1e-6)


def test_label_units_ais_and_bound_match_enumeration():
    # With label units the odd side anneals over (h1, label), the label a softmax group.
    dbm = _random_dbm(num_classes=3)
    exact = exact_log_partition(dbm)
    data = (np.random.default_rng(1).random((50, 7)) < 0.3).astype("float32")
    for side in ("even", "odd"):
        result = ais_log_partition(dbm, data=data, num_runs=100, betas=1000, seed=0, side=side)
        assert result["log_z"] == pytest.approx(exact, abs=0.05), side
    x = data[:20]
    bound = variational_lower_bound(dbm, x, exact)
    assert np.all(bound <= exact_log_likelihood(dbm, x) + 1e-5)
    result = ais_lower_bound(dbm, x, data=data, num_runs=50, betas=500, seed=1)
    assert result["valid"] and result["lower_bound"] == pytest.approx(bound.mean(), abs=0.1)


def test_ais_log_partition_matches_enumeration():
    dbm = _random_dbm()
    exact = exact_log_partition(dbm)
    data = (np.random.default_rng(1).random((50, 7)) < 0.3).astype("float32")
    result = ais_log_partition(dbm, data=data, num_runs=100, betas=1000, seed=0)
    assert result["log_z"] == pytest.approx(exact, abs=0.05)
    assert result["log_z_lower"] <= result["log_z"] <= result["log_z_upper"]
    assert result["num_runs"] == 100 and result["num_betas"] == 1000
    again = ais_log_partition(dbm, data=data, num_runs=100, betas=1000, seed=0)
    assert again["log_z"] == result["log_z"]


def test_lower_bound_is_below_the_exact_likelihood_and_tight_for_weak_coupling():
    x = (np.random.default_rng(2).random((30, 7)) < 0.4).astype("float32")
    strong = _random_dbm(scale=1.0)
    exact = exact_log_likelihood(strong, x)
    bound = variational_lower_bound(strong, x, exact_log_partition(strong))
    assert np.all(bound <= exact + 1e-5) and np.mean(exact - bound) > 1e-3
    # Without weights the posterior factorises: mean-field is exact.
    weak = _random_dbm(scale=0.0)
    np.testing.assert_allclose(variational_lower_bound(weak, x, exact_log_partition(weak)),
                               exact_log_likelihood(weak, x), atol=1e-5)


def test_ais_lower_bound_combines_both():
    dbm = _random_dbm()
    x = (np.random.default_rng(3).random((20, 7)) < 0.4).astype("float32")
    result = ais_lower_bound(dbm, x, data=x, num_runs=50, betas=500, seed=1)
    exact_bound = variational_lower_bound(dbm, x, exact_log_partition(dbm)).mean()
    assert result["lower_bound"] == pytest.approx(exact_bound, abs=0.1)
    assert result["lower_bound_low"] <= result["lower_bound"] <= result["lower_bound_high"]


def test_ais_that_misses_the_dominant_mode_is_flagged_invalid():
    # One dominant state (everything on, -E = 58) that a single annealing
    # step from the uniform base cannot find.
    dbm = DBM((4, 3), seed=0)
    dbm.build((None, 6))
    for variable, value in ((dbm.kernel_1, 4.0), (dbm.kernel_2, 4.0), (dbm.visible_bias, -6.0),
                            (dbm.hidden_bias_1, -8.0), (dbm.hidden_bias_2, -6.0)):
        variable.assign(np.full(variable.shape, value, "float32"))
    x = np.ones((3, 6), "float32")
    exact = exact_log_partition(dbm)
    failed = ais_lower_bound(dbm, x, num_runs=4, betas=2, seed=0)
    assert failed["log_z_floor"] <= exact + 1e-4
    assert failed["log_z"] < failed["log_z_floor"] and not failed["valid"]
    dbm = _random_dbm()
    good = ais_lower_bound(dbm, np.ones((3, 7), "float32"), num_runs=50, betas=1000, seed=0)
    assert good["valid"] and abs(good["log_z"] - exact_log_partition(dbm)) < 0.2


def test_bad_settings_and_data():
    dbm = _random_dbm()
    x = np.zeros((3, 7), "float32")
    with pytest.raises(ValueError, match="num_runs"):
        ais_log_partition(dbm, num_runs=0)
    with pytest.raises(ValueError, match="betas"):
        ais_log_partition(dbm, betas=1)
    with pytest.raises(ValueError, match="betas"):
        ais_log_partition(dbm, betas=[0.0, 0.7, 0.5, 1.0])
    with pytest.raises(ValueError, match="binary"):
        ais_lower_bound(dbm, x + 0.5, num_runs=2, betas=10)
    with pytest.raises(ValueError, match="mean_field_steps"):
        variational_lower_bound(dbm, x, 0.0, mean_field_steps=0)
    with pytest.raises(ValueError, match="model"):
        ais_log_partition(DBM((3, 2)))
    with pytest.raises(ValueError, match="hidden layer 1"):
        exact_log_partition(_random_dbm(hidden=(21, 2)))
