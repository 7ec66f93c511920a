import keras
import numpy as np
import pytest

from keras_gen.layers.normalization import normalization_layer


def test_instance_normalization_normalizes_each_channel_of_each_image():
    layer = normalization_layer("instance", "norm")
    x = np.random.default_rng(0).normal(3.0, 2.0, (2, 5, 5, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1.0, atol=1e-3)


def test_instance_is_instance_normalization_and_group_normalization_in_the_old_layout():
    from keras_gen.layers.instance_normalization import InstanceNormalization
    from keras_gen.layers.normalization import group_instance_normalization

    assert type(normalization_layer("instance", "a")) is InstanceNormalization
    with group_instance_normalization():
        old = normalization_layer("instance", "b")
    assert type(old) is keras.layers.GroupNormalization and old.groups == -1 and old.epsilon == 1e-5
    assert type(normalization_layer("instance", "c")) is InstanceNormalization


def test_batch_and_none():
    assert isinstance(normalization_layer("batch", "b"), keras.layers.BatchNormalization)
    assert isinstance(normalization_layer("none", "n"), keras.layers.Identity)
    with pytest.raises(ValueError, match="normalization"):
        normalization_layer("layer", "x")
