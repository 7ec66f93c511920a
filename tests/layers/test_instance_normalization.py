import keras
import numpy as np
import pytest

from keras_gen.layers.instance_normalization import InstanceNormalization


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_same_as_group_normalization_one_group_per_channel():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, (2, 6, 5, 4)).astype("float32")
    ours, theirs = InstanceNormalization(), keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)
    ours.build(x.shape)
    theirs.build(x.shape)
    weights = [rng.normal(size=(4,)).astype("float32") for _ in range(2)]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    np.testing.assert_allclose(numpy(ours(x)), numpy(theirs(x)), atol=1e-5)
    assert [w.path.split("/")[-1] for w in ours.weights] == ["gamma", "beta"]


def test_statistics_stay_accurate_on_large_offsets():
    # A channel far from zero with a small spread: the mean must not lose the spread.
    rng = np.random.default_rng(1)
    x = (100.0 + rng.normal(0.0, 0.05, (1, 64, 64, 1))).astype("float64")
    expected = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    y = numpy(InstanceNormalization()(x.astype("float32")))
    np.testing.assert_allclose(y, expected, atol=2e-4)


def test_config_round_trip_and_groups():
    layer = InstanceNormalization(epsilon=1e-3, center=False, name="norm")
    again = InstanceNormalization.from_config(layer.get_config())
    assert (again.epsilon, again.center, again.groups, again.name) == (1e-3, False, -1, "norm")
    with pytest.raises(ValueError, match="groups"):
        InstanceNormalization(groups=2)
