import warnings
import zipfile

import h5py
import keras
import numpy as np
import pytest

from keras_gen.models import GAN
from keras_gen.models import load_model
from keras_gen.trainers import OptimizerGroup

DATA = np.random.default_rng(0).uniform(-1, 1, (32, 3)).astype("float32")


def _gan(**compile_options):
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(3, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)])
    gan = GAN(generator, discriminator, latent_dim=2, seed=0)
    gan.compile(**compile_options)
    return gan


def _values(variables):
    return [keras.ops.convert_to_numpy(v) for v in variables]


def test_use_ema_leaves_the_averages_in_the_model(backend):
    gan = _gan(generator_optimizer=keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.5))
    last = {}

    def remember(epoch, logs):
        last["generator"] = _values(gan.generator.trainable_variables)
        last["discriminator"] = _values(gan.discriminator.trainable_variables)

    gan.fit(DATA, batch_size=8, epochs=2, verbose=0,
            callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=remember)])
    averages = _values(gan.optimizer["generator"]._model_variables_moving_average)
    final = _values(gan.generator.trainable_variables)
    for average, weight, raw in zip(averages, final, last["generator"]):
        np.testing.assert_array_equal(weight, average)
        assert not np.allclose(weight, raw)  # the average, not the last step's weights
    # The discriminator's optimizer keeps no average: its weights stay as trained.
    for weight, raw in zip(_values(gan.discriminator.trainable_variables), last["discriminator"]):
        np.testing.assert_array_equal(weight, raw)


def _optimizer_arrays(path):
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as handle:
        with h5py.File(handle) as weights:
            arrays = []
            weights["optimizer"].visititems(
                lambda name, item: arrays.append(name) if isinstance(item, h5py.Dataset) else None)
    return arrays


def test_each_optimizer_variable_is_saved_once(tmp_path, backend):
    gan = _gan()
    gan.fit(DATA, batch_size=8, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    assert len(_optimizer_arrays(path)) == len(gan.optimizer.variables)


def test_files_with_the_old_layout_still_load(tmp_path, backend, monkeypatch):
    gan = _gan()
    gan.fit(DATA, batch_size=8, verbose=0)
    path = tmp_path / "old.keras"
    with monkeypatch.context() as patch:
        # The layout before each variable was stored once: the group also
        # stored all of its members' variables.
        patch.setattr(OptimizerGroup, "save_own_variables", keras.optimizers.Optimizer.save_own_variables)
        gan.save(path)
    assert len(_optimizer_arrays(path)) > len(gan.optimizer.variables)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # Keras warns when it skips optimizer state
        restored = load_model(path)
    for saved, loaded in zip(_values(gan.optimizer.variables), _values(restored.optimizer.variables),
                             strict=True):
        np.testing.assert_array_equal(saved, loaded)
    restored.fit(DATA, batch_size=8, verbose=0)


def test_a_group_state_without_its_own_variables_is_refused():
    group = OptimizerGroup({"generator": keras.optimizers.Adam()})
    with pytest.raises(ValueError, match="at least its 2 own variables. Received: 1"):
        group.load_own_variables({"0": np.zeros(())})
