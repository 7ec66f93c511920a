import keras
import numpy as np
import pytest

from keras_gen.models.rbm import RBM
from keras_gen.models.rbm import ClassificationRBM
from keras_gen.models.rbm.generative_training import generative_optimizer
from keras_gen.models.rbm.generative_training import initialize_visible_bias


def test_biases_are_not_decayed_and_the_learning_rate_falls_linearly():
    optimizer = generative_optimizer(0.1, decay_steps=10, final_fraction=0.2, weight_decay=0.5)
    layer = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    layer.build((None, 3))
    optimizer.apply_gradients([(keras.ops.zeros(v.shape), v) for v in (layer.kernel, layer.bias)])
    # No gradient: only the decoupled weight decay moves a weight, and only the kernel's.
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.kernel), 1.0 - 0.1 * 0.5, rtol=1e-6)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.bias), 1.0)
    rates = []
    for step in (0, 5, 10, 20):
        optimizer.iterations.assign(step)
        rates.append(round(float(keras.ops.convert_to_numpy(optimizer.learning_rate)), 4))
    assert rates == [0.1, 0.06, 0.02, 0.02]
    assert optimizer.use_ema and not generative_optimizer(0.1, 10, weight_average=0.0).use_ema


@pytest.mark.parametrize("kwargs, name", [
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"decay_steps": 0}, "decay_steps"),
    ({"momentum": 1.0}, "momentum"),
    ({"weight_average": 1.0}, "weight_average"),
    ({"final_fraction": 1.5}, "final_fraction"),
    ({"weight_decay": -1.0}, "weight_decay"),
])
def test_bad_optimizer_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        generative_optimizer(**{"learning_rate": 0.1, "decay_steps": 10, **kwargs})


def test_label_biases_get_the_log_class_frequencies():
    rbm = ClassificationRBM(4, num_classes=3, seed=0)
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0]], "float32")
    bias = initialize_visible_bias(rbm, (x, np.array([0, 0, 0, 2])))
    np.testing.assert_allclose(bias[:2], np.log([3.0, 3.0]), rtol=1e-5)  # both pixels on 3 times in 4
    np.testing.assert_allclose(bias[2:], np.log(np.array([0.75, 1e-3, 0.25]) / 1.001), rtol=1e-5)
    # (a class never seen gets the floor 1e-3, never log 0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(rbm.visible_bias), bias)


def test_bad_models_and_data():
    with pytest.raises(ValueError, match="Bernoulli"):
        initialize_visible_bias(RBM(4, visible_type="gaussian"), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="pair"):
        initialize_visible_bias(ClassificationRBM(4, num_classes=3), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="x"):
        initialize_visible_bias(RBM(4), np.full((2, 3), 2.0))
