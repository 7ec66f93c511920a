import numpy as np
import pytest

from keras_gen.models import DBM
from keras_gen.models import RBM
from keras_gen.models import ClassificationRBM
from keras_gen.models.dbm.ais import ais_log_partition as dbm_ais
from keras_gen.models.dbm.ais import exact_log_partition as dbm_exact
from keras_gen.models.rbm.ais import ais_log_partition
from keras_gen.models.rbm.ais import exact_log_partition
from keras_gen.models.rbm.bipartite_ais import Bipartite
from keras_gen.models.rbm.bipartite_ais import anneal_both_sides
from keras_gen.models.rbm.bipartite_ais import base_rate_bias
from keras_gen.models.rbm.bipartite_ais import bernoulli_group


def _randomize(model, scale, seed=1):
    rng = np.random.default_rng(seed)
    for variable in model.trainable_variables:
        shape = tuple(variable.shape)
        variable.assign(rng.normal(0.0, scale if len(shape) == 2 else 1.0, shape).astype("float32"))
    return model


@pytest.mark.parametrize("side", ["visible", "hidden"])
def test_each_side_of_an_rbm_matches_enumeration(side):
    rbm = RBM(10, seed=0)
    rbm.build((None, 14))
    _randomize(rbm, 0.7)
    data = (np.random.default_rng(0).random((200, 14)) < 0.4).astype("float32")
    result = ais_log_partition(rbm, data=data, num_runs=100, betas=1000, seed=0, side=side)
    assert result["side"] == side and list(result["log_z_by_side"]) == [side]
    assert result["log_z"] == pytest.approx(exact_log_partition(rbm), abs=0.15)


def test_the_hidden_side_sums_out_a_label_group():
    model = ClassificationRBM(8, num_classes=3, seed=0)
    model.build((None, 6))
    _randomize(model, 0.7)
    data = (np.random.default_rng(0).random((100, 6)) < 0.4).astype("float32")
    exact = exact_log_partition(model)
    for side in ("visible", "hidden"):
        result = ais_log_partition(model, data=data, num_runs=100, betas=1000, seed=0, side=side)
        assert result["log_z"] == pytest.approx(exact, abs=0.15), side


@pytest.mark.parametrize("side", ["even", "odd"])
def test_each_side_of_a_dbm_matches_enumeration(side):
    dbm = DBM((5, 4), seed=0)
    dbm.build((None, 7))
    _randomize(dbm, 1.0)
    data = (np.random.default_rng(1).random((50, 7)) < 0.3).astype("float32")
    result = dbm_ais(dbm, data=data, num_runs=100, betas=1000, seed=0, side=side)
    assert result["log_z"] == pytest.approx(dbm_exact(dbm), abs=0.1)


def test_both_sides_keep_the_larger_estimate():
    rbm = RBM(6, seed=0)
    rbm.build((None, 8))
    _randomize(rbm, 1.5)
    result = ais_log_partition(rbm, num_runs=5, betas=3, seed=0)  # crude: the sides disagree
    assert sorted(result["log_z_by_side"]) == ["hidden", "visible"]
    assert result["log_z"] == max(result["log_z_by_side"].values())
    assert result["log_z_by_side"][result["side"]] == result["log_z"]


def test_swapping_the_groups_keeps_the_model():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 4)).astype("float32")
    model = Bipartite(kernel, np.zeros(3, "float32"), np.ones(4, "float32"), bernoulli_group(3),
                      bernoulli_group(4), names=("left", "right"))
    swapped = model.swapped()
    np.testing.assert_array_equal(np.asarray(swapped.kernel), kernel.T)
    assert swapped.names == ("right", "left") and swapped.group_a.units == 4


def test_base_rate_bias_is_finite_for_constant_units():
    bias = base_rate_bias(np.array([[1.0, 0.0, 0.5]] * 10))
    assert np.isfinite(bias).all() and bias[0] > 2 and bias[1] < -2 and abs(bias[2]) < 1e-6


def test_a_side_that_does_not_exist_is_refused():
    model = Bipartite(np.zeros((2, 2), "float32"), np.zeros(2, "float32"), np.zeros(2, "float32"),
                      bernoulli_group(2), bernoulli_group(2), names=("a", "b"))
    with pytest.raises(ValueError, match="side"):
        anneal_both_sides(model, np.zeros(2, "float32"), np.zeros(2, "float32"), 2,
                          np.linspace(0, 1, 3), 0, side="visible")
    rbm = RBM(2, seed=0)
    rbm.build((None, 3))
    with pytest.raises(ValueError, match="side='odd'"):
        ais_log_partition(rbm, side="odd")


def test_joined_bernoulli_and_softmax_groups_draw_and_sum_their_parts():
    import keras

    from keras_gen.models.rbm.bipartite_ais import joined_group
    from keras_gen.models.rbm.bipartite_ais import softmax_group
    from keras_gen.models.rbm.random_stream import RandomStream

    group = joined_group(bernoulli_group(2), softmax_group(3))
    preactivation = keras.ops.convert_to_tensor(
        np.tile(np.array([[0.0, 2.0, 0.0, np.log(2.0), np.log(5.0)]], "float32"), (4000, 1)))
    draws = keras.ops.convert_to_numpy(group.sample(preactivation, RandomStream(keras.random.SeedGenerator(0))))
    np.testing.assert_array_equal(draws[:, 2:].sum(axis=1), 1.0)  # one label on per row
    expected = [0.5, 1 / (1 + np.exp(-2.0)), 1 / 8, 2 / 8, 5 / 8]
    np.testing.assert_allclose(draws.mean(axis=0), expected, atol=0.03)
    log_sum = float(keras.ops.convert_to_numpy(group.log_sum(preactivation[:1]))[0])
    assert log_sum == pytest.approx(np.log(2.0) + np.log1p(np.exp(2.0)) + np.log(8.0), abs=1e-5)
