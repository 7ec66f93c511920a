import argparse

import keras

from keras_gen.callbacks.divergence_guard import DivergenceGuard
from keras_gen.cli.training import training_callbacks


def test_every_run_gets_a_divergence_guard(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callbacks = training_callbacks(argparse.Namespace(verbose=0), str(tmp_path), model)
    assert any(isinstance(callback, DivergenceGuard) for callback in callbacks)
    assert all(isinstance(callback, keras.callbacks.Callback) for callback in callbacks)
