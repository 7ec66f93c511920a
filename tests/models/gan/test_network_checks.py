import keras
import pytest

from keras_gen.models.gan.network_checks import activation_range
from keras_gen.models.gan.network_checks import network_shape


def _dense(activation, inputs=4, units=3):
    return keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(units, activation=activation)])


def test_activation_range_reads_last_activation():
    assert activation_range(_dense("tanh")) == (-1.0, 1.0)
    assert activation_range(_dense("sigmoid")) == (0.0, 1.0)
    assert activation_range(_dense(None)) is None
    assert activation_range(_dense("relu")) is None


def test_activation_range_follows_nested_model_and_separate_activation_layer():
    inner = _dense("sigmoid")
    outer = keras.Sequential([keras.Input((4,)), inner])
    assert activation_range(outer) == (0.0, 1.0)
    separate = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(2), keras.layers.Activation("tanh")]
    )
    assert activation_range(separate) == (-1.0, 1.0)


def test_network_shape_output_and_inputs():
    assert network_shape(_dense("tanh", inputs=4, units=3), "generator") == (None, 3)
    assert network_shape(_dense("tanh", inputs=4, units=3), "generator", index=0) == (None, 4)
    image = keras.Input((8, 8, 1))
    label = keras.Input((5,))
    flat = keras.layers.Concatenate()([keras.layers.Flatten()(image), label])
    model = keras.Model([image, label], keras.layers.Dense(1)(flat))
    assert network_shape(model, "discriminator", index=0) == (None, 8, 8, 1)
    assert network_shape(model, "discriminator", index=1) == (None, 5)
    assert network_shape(model, "discriminator") == (None, 1)


def test_network_shape_unbuilt_model_raises():
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"Expected `generator` to be a built functional .*Received: generator="):
        network_shape(unbuilt, "generator")
    with pytest.raises(ValueError, match="Expected `discriminator`"):
        network_shape(object(), "discriminator", index=0)
