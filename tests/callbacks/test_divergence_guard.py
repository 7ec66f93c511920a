import keras
import numpy as np
import pytest

from keras_gen.callbacks.divergence_guard import DivergenceGuard
from keras_gen.models.autoencoders import Autoencoder
from keras_gen.models.gan import DCGAN
from keras_gen.models.rbm import RBM
from keras_gen.models.vae import VAE


def _state(model):
    return [keras.ops.convert_to_numpy(v) for v in
            model.trainable_variables + model.non_trainable_variables + model.optimizer.variables]


def _steps_per_execution(backend):
    return 1 if backend == "torch" else 4


def images(count=8):
    return np.random.default_rng(0).uniform(-1, 1, (count, 8, 8, 1)).astype("float32")


def small_gan(learning_rate=2e-4, **kwargs):
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=0, **kwargs)
    gan.compile(generator_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                discriminator_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5))
    return gan


class Regression(keras.utils.PyDataset):
    """Batches of a linear problem whose targets jump x1000 from batch `jump` on."""

    def __init__(self, jump, batches=40):
        super().__init__()
        self.jump, self.batches = jump, batches
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(batches, 8, 3)).astype("float32")

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        x = self.x[index]
        y = x.sum(axis=1, keepdims=True) * (1000.0 if index >= self.jump else 1.0)
        return x, y


class Rows(keras.utils.PyDataset):
    """Binary rows in batches of 8; one NaN pixel in batch `nan_batch` (None: none)."""

    def __init__(self, nan_batch=None):
        super().__init__()
        self.x = (np.random.default_rng(0).random((64, 16)) > 0.5).astype("float32")
        if nan_batch is not None:
            self.x[8 * nan_batch + 2, 5] = np.nan

    def __len__(self):
        return 8

    def __getitem__(self, index):
        return (self.x[8 * index : 8 * (index + 1)],)


def test_a_nan_loss_restores_weights_and_adam_state_and_the_next_fit_is_finite(backend):
    """A VAE fed a NaN pixel by a stream (nothing checks a stream up front):
    the guard stops at that step and restores every weight and Adam slot of
    the start, so that training can go on."""
    vae = VAE.dense((16,), latent_dim=2, hidden_units=(8,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    vae.optimizer.build(vae.trainable_variables)
    start = _state(vae)
    guard = DivergenceGuard(verbose=0)
    vae.fit(Rows(nan_batch=3), epochs=2, shuffle=False, verbose=0, callbacks=[guard])
    assert guard.stopped and "became nan at step 4" in guard.reason, guard.reason
    assert guard.divergence["restored_step"] == 0
    for before, after in zip(start, _state(vae)):
        np.testing.assert_array_equal(before, after)
    history = vae.fit(Rows(), epochs=1, shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"][-1])


def test_steps_are_counted_not_callback_calls(backend):
    """With steps_per_execution=4 one call covers 4 steps: the jump at batch 30
    is reported at step 32 (the end of its block), not at call 8."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e-3), loss="mse",
                  steps_per_execution=_steps_per_execution(backend))
    guard = DivergenceGuard(snapshot_every=8, verbose=0)
    model.fit(Regression(jump=30), epochs=1, shuffle=False, verbose=0, callbacks=[guard])
    assert guard.stopped and guard.reason.startswith("Training diverged: loss jumped"), guard.reason
    assert guard.divergence["step"] == (32 if _steps_per_execution(backend) == 4 else 31), \
        guard.reason
    # Restored a copy taken at least snapshot_every steps before the jump showed.
    assert guard.divergence["restored_step"] <= 30 - 8


def test_runaway_weights_of_a_dcgan_are_caught_and_undone(backend):
    """DCGAN at lr 1000: finite but absurd losses; caught within 10 steps, and
    the restored generator is the starting one, not a ruined one."""
    gan = small_gan(1000.0)
    start = [keras.ops.convert_to_numpy(w) for w in gan.generator.weights]
    guard = DivergenceGuard(verbose=0)
    gan.fit(images(64), batch_size=4, epochs=2, verbose=0, callbacks=[guard])
    assert guard.stopped and guard.divergence["step"] <= 10, guard.reason
    for before, weight in zip(start, gan.generator.weights):
        np.testing.assert_array_equal(before, keras.ops.convert_to_numpy(weight))


def test_a_constant_generator_is_caught(backend):
    class Flatten(keras.callbacks.Callback):  # zero every generator weight at step 12
        def on_train_batch_end(self, batch, logs=None):
            if batch == 11:
                for weight in self.model.generator.trainable_weights:
                    weight.assign(np.zeros(weight.shape, "float32"))

    guard = DivergenceGuard(check_every=5, verbose=0)
    small_gan().fit(images(64), batch_size=4, epochs=1, verbose=0, callbacks=[guard, Flatten()])
    assert guard.stopped and "constant" in guard.reason, guard.reason


def test_healthy_training_is_left_alone(backend):
    gan = small_gan()
    guard = DivergenceGuard(check_every=2, snapshot_every=4, verbose=0)
    gan.fit(images(64), batch_size=8, epochs=3, verbose=0, callbacks=[guard])
    assert not guard.stopped and guard.divergences == []
    ae = Autoencoder.dense((16,), code_dim=4, hidden_units=(8,), seed=0)
    ae.compile(optimizer="adam")
    ae.fit(np.random.default_rng(0).random((64, 16)).astype("float32"), batch_size=4, epochs=2,
           verbose=0, callbacks=[guard])
    assert not guard.stopped


def test_boltzmann_machines_are_judged_by_reconstruction_error(backend):
    """The RBM's `loss` (the CD surrogate) swings widely; it is not watched.
    A lazily built RBM is copied after its first step; lr 1000 is caught."""
    x = (np.random.default_rng(0).random((100, 12)) > 0.5).astype("float32")
    guard = DivergenceGuard(verbose=0)
    assert guard._watched({"loss": 1.0, "reconstruction_error": 0.2}) == ["reconstruction_error"]
    rbm = RBM(hidden_units=6, seed=0)
    rbm.compile(optimizer=keras.optimizers.SGD(0.1))
    rbm.fit(x, batch_size=5, epochs=1, verbose=0, callbacks=[guard])
    assert not guard.stopped
    rbm = RBM(hidden_units=6, seed=0)
    rbm.build((None, 12))
    rbm.compile(optimizer=keras.optimizers.SGD(1000.0))
    rbm.fit(x, batch_size=5, epochs=1, verbose=0, callbacks=[guard])
    assert guard.stopped and "ran away" in guard.reason and len(guard.divergences) == 1


def test_a_pinned_discriminator_loss_is_caught(backend):
    guard = DivergenceGuard(min_loss=100.0, patience=2, restore=False, verbose=0)
    small_gan().fit(images(12), batch_size=4, epochs=3, verbose=0, callbacks=[guard])
    assert guard.stopped and "d_loss" in guard.reason and guard.divergence["restored_step"] is None


def test_bad_arguments():
    for kwargs, name in [({"patience": 0}, "patience"), ({"factor": -1}, "factor"),
                         ({"losses": "loss"}, "losses"), ({"snapshot_every": 0}, "snapshot_every")]:
        with pytest.raises(ValueError, match=name):
            DivergenceGuard(**kwargs)
