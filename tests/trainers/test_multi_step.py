import keras
import numpy as np
import pytest

from keras_gen.data import DeviceDataset
from keras_gen.models import RBM
from keras_gen.models import VAE
from keras_gen.models.gan import GAN

pytestmark = pytest.mark.backends("jax", reason="the multi-step path is JAX's (TensorFlow's loop is one graph already)")


class BatchLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append((batch, {key: float(value) for key, value in logs.items()}))


def _state(model):
    return [keras.ops.convert_to_numpy(v) for v in model.weights + model.optimizer.variables]


def _uses_window(model):
    return model.train_function.__qualname__.startswith("multi_step_function")


def _rbm(cls, spe, **compile_kwargs):
    model = cls(8, seed=3)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5), steps_per_execution=spe, **compile_kwargs)
    return model


def _gan(cls, spe):
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(3)])
    discriminator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)])
    generator.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(generator.weights)])
    discriminator.set_weights([np.full(w.shape, -0.05 * (i + 1), "float32")
                               for i, w in enumerate(discriminator.weights)])
    model = cls(generator, discriminator, latent_dim=2, seed=4)
    model.compile(generator_optimizer=keras.optimizers.Adam(0.01),
                  discriminator_optimizer=keras.optimizers.Adam(0.01), steps_per_execution=spe)
    return model


@pytest.mark.parametrize("build", ["rbm", "gan", "vae"])
def test_windows_equal_single_steps(digits, build):
    """Every step, seed and optimizer state as Keras's loop: 103 rows in batches
    of 10 give windows of 4, 4, 2 and the 3-row batch alone."""
    x = digits[0][:103]
    if build == "gan":
        x = x[:, :3]
        make = lambda cls, spe: _gan(cls, spe)
    elif build == "vae":
        make = lambda cls, spe: _compiled_vae(cls, spe)
    else:
        make = lambda cls, spe: _rbm(cls, spe)
    single = make({"rbm": RBM, "gan": GAN, "vae": VAE}[build], 1)
    windowed = make({"rbm": RBM, "gan": GAN, "vae": VAE}[build], 4)
    if build == "vae":
        windowed.set_weights(single.get_weights())
    logs = [BatchLog(), BatchLog()]
    histories = [model.fit(x, batch_size=10, epochs=2, verbose=0, shuffle=False, callbacks=[log])
                 for model, log in zip((single, windowed), logs)]
    assert _uses_window(windowed) and not _uses_window(single)
    for a, b in zip(_state(single), _state(windowed)):
        np.testing.assert_array_equal(a, b)
    assert histories[0].history == histories[1].history
    # Batch callbacks run once per window, as in Keras's own loop at
    # steps_per_execution=4: numbered by the window's last step, with the
    # logs of the last step it ran (the 11th batch ends the third window).
    assert [batch for batch, _ in logs[1].calls] == [3, 7, 11] * 2
    assert [batch for batch, _ in logs[0].calls] == list(range(11)) * 2
    expected = [logs[0].calls[epoch * 11 + step][1] for epoch in range(2) for step in (3, 7, 10)]
    assert [values for _, values in logs[1].calls] == expected


def _compiled_vae(cls, spe):
    model = cls.dense((64,), latent_dim=2, hidden_units=(8,), binarize=True, seed=5)
    model.compile(optimizer=keras.optimizers.Adam(0.01), steps_per_execution=spe)
    model.build((None, 64))
    return model


def test_validation_and_evaluate_run_in_windows(digits):
    x = digits[0][:100]
    single, windowed = _rbm(RBM, 1), _rbm(RBM, 5)
    results = [model.fit(x[:60], batch_size=10, epochs=1, verbose=0, shuffle=False,
                         validation_data=x[60:]).history for model in (single, windowed)]
    assert windowed.test_function.__qualname__.startswith("multi_step_function")
    np.testing.assert_allclose(results[0]["val_reconstruction_error"], results[1]["val_reconstruction_error"],
                               rtol=1e-6)
    np.testing.assert_allclose(single.evaluate(x, batch_size=10, verbose=0),
                               windowed.evaluate(x, batch_size=10, verbose=0), rtol=1e-6)


def test_device_resident_batches_are_stacked_on_the_device(digits):
    x = digits[0][:100]
    single, windowed = _rbm(RBM, 1), _rbm(RBM, 4)
    for model in (single, windowed):
        # fit(shuffle=False): Keras would also shuffle the batches with the global RNG.
        model.fit(DeviceDataset(x, batch_size=10, shuffle=True, seed=2), epochs=2, verbose=0, shuffle=False)
    assert _uses_window(windowed)
    for a, b in zip(_state(single), _state(windowed)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("options", [{"steps_per_execution": 1}, {"steps_per_execution": 4, "run_eagerly": True},
                                     {"steps_per_execution": 4, "jit_compile": False}])
def test_keras_loop_where_a_window_cannot_run(digits, options):
    model = RBM(8, seed=3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), **options)
    history = model.fit(digits[0][:40], batch_size=10, epochs=1, verbose=0)
    assert not _uses_window(model)
    assert np.isfinite(history.history["loss"]).all()


def test_a_model_can_keep_keras_loop(digits):
    class KerasLoopRBM(RBM):
        multi_step_execution = False

    model = KerasLoopRBM(8, seed=3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), steps_per_execution=4)
    model.fit(digits[0][:40], batch_size=10, epochs=1, verbose=0)
    assert not _uses_window(model)
