import keras
import numpy as np

from keras_gen.trainers.compile_function import compile_function


def test_a_compiled_loop_gives_the_eager_result():
    def power(x):
        return keras.ops.fori_loop(0, 5, lambda i, value: value * x, keras.ops.ones_like(x))

    x = keras.ops.convert_to_tensor(np.array([1.0, 2.0, 0.5], "float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(compile_function(power)(x)),
                               [1.0, 32.0, 0.03125], rtol=1e-6)
