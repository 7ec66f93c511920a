import keras
import numpy as np

from keras_gen.trainers.input_gradients import input_gradients


def test_gradient_of_a_function_of_inputs(backend):
    x = np.array([[1.0, -2.0], [0.5, 3.0]], "float32")
    gradient = input_gradients(lambda v: keras.ops.sum(v ** 3), x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gradient), 3 * x ** 2, rtol=1e-6)


def test_gradient_through_a_layer(backend):
    layer = keras.layers.Dense(1, use_bias=False)
    layer.build((None, 3))
    layer.kernel.assign(np.array([[1.0], [2.0], [-1.0]], "float32"))
    gradient = input_gradients(lambda v: keras.ops.sum(layer(v)), np.zeros((2, 3), "float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gradient), [[1, 2, -1], [1, 2, -1]])
