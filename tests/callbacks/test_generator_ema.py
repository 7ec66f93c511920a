import types

import keras
import numpy as np

from keras_gen.callbacks.generator_ema import GeneratorEMA


def test_steps_are_counted_not_callback_calls():
    # With steps_per_execution=4 Keras calls back after steps 3 and 7 (0-based):
    # 8 steps of decay, whatever update_every is.
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    generator.layers[0].kernel.assign(np.zeros((2, 1), "float32"))
    ema = GeneratorEMA(decay=0.9, update_every=4)
    ema.set_model(types.SimpleNamespace(generator=generator))
    ema.on_train_begin()
    ema.on_epoch_begin(0)
    generator.layers[0].kernel.assign(np.ones((2, 1), "float32"))
    ema.on_train_batch_end(3)
    ema.on_train_batch_end(7)
    ema.on_epoch_end(0)
    averaged = keras.ops.convert_to_numpy(ema.ema_generator.trainable_weights[0])
    np.testing.assert_allclose(averaged, 1.0 - 0.9 ** 8, rtol=1e-6)
