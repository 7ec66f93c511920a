import numpy as np
import pytest

from keras_gen.models.rbm.ais import ais_betas
from keras_gen.models.rbm.ais import ais_log_likelihood
from keras_gen.models.rbm.ais import ais_log_partition
from keras_gen.models.rbm.ais import exact_log_partition
from keras_gen.models import RBM


def _tiny_rbm(visible=16, hidden=10, scale=0.5, visible_type="bernoulli"):
    rng = np.random.default_rng(1)
    rbm = RBM(hidden, visible_type=visible_type, seed=0)
    rbm.build((None, visible))
    rbm.kernel.assign(rng.normal(0, scale, (visible, hidden)).astype("float32"))
    rbm.visible_bias.assign(rng.normal(0, 1, visible).astype("float32"))
    rbm.hidden_bias.assign(rng.normal(0, 1, hidden).astype("float32"))
    return rbm


def _brute_force_log_z(rbm):
    """Sum over every visible AND hidden configuration (independent of the code under test)."""
    import itertools

    import keras

    w = keras.ops.convert_to_numpy(rbm.kernel).astype("float64")
    b = keras.ops.convert_to_numpy(rbm.visible_bias).astype("float64")
    c = keras.ops.convert_to_numpy(rbm.hidden_bias).astype("float64")
    v = np.array(list(itertools.product([0, 1], repeat=len(b))), "float64")
    h = np.array(list(itertools.product([0, 1], repeat=len(c))), "float64")
    energies = (v @ b)[:, None] + (h @ c)[None, :] + v @ w @ h.T
    top = energies.max()
    return top + np.log(np.exp(energies - top).sum())


def test_exact_log_partition_matches_brute_force():
    rbm = _tiny_rbm(visible=6, hidden=5)
    assert exact_log_partition(rbm) == pytest.approx(_brute_force_log_z(rbm), abs=1e-6)


def test_ais_matches_exact_log_partition():
    rbm = _tiny_rbm()
    data = (np.random.default_rng(0).random((300, 16)) < 0.4).astype("float32")
    exact = exact_log_partition(rbm)
    result = ais_log_partition(rbm, data=data, num_runs=100, betas=1000, seed=3)
    assert result["log_z"] == pytest.approx(exact, abs=0.15)
    assert result["log_z_lower"] - 0.05 <= exact <= result["log_z_upper"] + 0.05
    assert result["log_weights_std"] > 0 and 1 <= result["effective_sample_size"] <= 100
    assert result["num_runs"] == 100 and result["num_betas"] == 1000


def test_progress_bar_runs_in_pieces_with_the_same_result(capsys):
    rbm = _tiny_rbm(visible=6, hidden=4)
    quiet = ais_log_partition(rbm, num_runs=10, betas=120, seed=3)
    shown = ais_log_partition(rbm, num_runs=10, betas=120, seed=3, verbose=1)
    assert shown["log_z"] == quiet["log_z"]
    assert "119/119" in capsys.readouterr().out


def test_ais_log_likelihood_matches_exact():
    rbm = _tiny_rbm()
    x = (np.random.default_rng(2).random((50, 16)) < 0.5).astype("float32")
    result = ais_log_likelihood(rbm, x, data=x, num_runs=100, betas=1000, seed=0)
    import keras

    exact = float(np.mean(-keras.ops.convert_to_numpy(rbm.free_energy(x)))) - exact_log_partition(rbm)
    assert result["log_likelihood"] == pytest.approx(exact, abs=0.15)
    assert result["log_likelihood_lower"] <= result["log_likelihood"] <= result["log_likelihood_upper"]


def test_gaussian_exact_log_partition_is_finite_and_ais_refuses_it():
    rbm = _tiny_rbm(visible=4, hidden=6, scale=0.1, visible_type="gaussian")
    assert np.isfinite(exact_log_partition(rbm))
    with pytest.raises(ValueError, match="model"):
        ais_log_partition(rbm)


def test_schedule():
    betas = ais_betas(1450)
    assert betas[0] == 0 and betas[-1] == 1 and len(betas) == 1450
    assert np.all(np.diff(betas) > 0)
    assert np.sum(betas >= 0.9) > np.sum(betas < 0.5)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"num_runs": 0}, "num_runs"),
        ({"betas": 1}, "betas"),
        ({"betas": [0.0, 0.7, 0.5, 1.0]}, "betas"),
        ({"betas": [0.0, 0.5]}, "betas"),
        ({"betas": [0.1, 1.0]}, "betas"),
        ({"seed": -1}, "seed"),
        ({"data": np.ones((4, 3))}, "data"),
        ({"data": np.full((4, 16), 2.0)}, "data"),
    ],
)
def test_bad_ais_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ais_log_partition(_tiny_rbm(), **kwargs)


def test_bad_models():
    with pytest.raises(ValueError, match="model"):
        ais_log_partition(RBM(3))  # not built
    with pytest.raises(ValueError, match="hidden_units=21"):
        exact_log_partition(_tiny_rbm(visible=3, hidden=21))
    with pytest.raises(ValueError, match="x"):
        ais_log_likelihood(_tiny_rbm(), np.ones((2, 5)), betas=10)


def test_classification_rbm_label_group_is_summed_and_annealed():
    import itertools

    import keras

    from keras_gen.models import ClassificationRBM

    rng = np.random.default_rng(2)
    model = ClassificationRBM(6, num_classes=3, seed=0)
    model.build((None, 5))
    model.kernel.assign(rng.normal(0, 1.0, model.kernel.shape).astype("float32"))
    model.visible_bias.assign(rng.normal(0, 1, model.visible_bias.shape).astype("float32"))
    model.hidden_bias.assign(rng.normal(0, 1, model.hidden_bias.shape).astype("float32"))
    w, b, c = (keras.ops.convert_to_numpy(p).astype("float64") for p in
               (model.kernel, model.visible_bias, model.hidden_bias))
    x = np.array(list(itertools.product([0, 1], repeat=5)), "float64")
    labels = np.eye(3)
    visible = np.concatenate([np.repeat(x, 3, axis=0), np.tile(labels, (len(x), 1))], axis=1)
    h = np.array(list(itertools.product([0, 1], repeat=6)), "float64")
    energies = (visible @ b)[:, None] + (h @ c)[None, :] + visible @ w @ h.T
    log_z = np.logaddexp.reduce(energies.ravel())
    assert exact_log_partition(model) == pytest.approx(log_z, abs=1e-6)
    result = ais_log_partition(model, data=x, num_runs=100, betas=1000, seed=0)
    assert result["log_z"] == pytest.approx(log_z, abs=0.05)
    log_p_x = np.logaddexp.reduce(np.logaddexp.reduce(energies, axis=1).reshape(len(x), 3), axis=1) - log_z
    likelihood = ais_log_likelihood(model, x.astype("float32"), data=x, num_runs=100, betas=1000, seed=0)
    assert likelihood["log_likelihood"] == pytest.approx(log_p_x.mean(), abs=0.05)
