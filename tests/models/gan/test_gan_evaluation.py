"""`evaluate()` and `fit(validation_data=...)` of GAN, DCGAN and ConditionalGAN."""

import keras
import numpy as np
import pytest

from keras_gen.models.gan import DCGAN
from keras_gen.models.gan import ConditionalGAN
from tests.models.gan.test_gan import mlp_gan


def state(model):
    """Every weight (batch-norm statistics included) and optimizer variable;
    not the seed generators, which evaluation advances to draw fresh noise."""
    variables = [v for v in model.weights if "seed_generator" not in v.path]
    return [keras.ops.convert_to_numpy(v) for v in variables + model.optimizer.variables]


def assert_same_state(before, after):
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def images(count=8):
    return np.tanh(np.random.default_rng(0).normal(size=(count, 8, 8, 1))).astype("float32")


def test_dcgan_evaluate_changes_nothing(backend):
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=1)
    gan.compile()
    x = images()
    history = gan.fit(x, batch_size=4, verbose=0)
    before = state(gan)
    noise = np.random.default_rng(1).normal(size=(8, 4)).astype("float32")
    first = gan.evaluate((x, noise), batch_size=4, verbose=0, return_dict=True)
    second = gan.evaluate((x, noise), batch_size=4, verbose=0, return_dict=True)
    assert_same_state(before, state(gan))
    assert set(first) == set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(value) for value in first.values())
    # Given noise and networks in inference mode: evaluation is deterministic.
    assert first == second


def test_losses_are_the_training_losses_in_inference_mode(backend):
    """With given noise, evaluate() reports the adversarial loss of D and G
    computed by hand from the networks in inference mode."""
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=1)
    gan.compile()
    x = images(4)
    gan.fit(x, batch_size=4, verbose=0)
    noise = np.random.default_rng(1).normal(size=(4, 4)).astype("float32")
    logs = gan.evaluate((x, noise), batch_size=4, verbose=0, return_dict=True)
    fake = gan.generator(noise, training=False)
    real_logits = gan.discriminator(x, training=False)
    fake_logits = gan.discriminator(fake, training=False)
    softplus = lambda v: keras.ops.convert_to_numpy(keras.ops.softplus(v)).mean()  # noqa: E731
    np.testing.assert_allclose(logs["d_loss"], softplus(-real_logits) + softplus(fake_logits),
                               rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"], softplus(-fake_logits), rtol=1e-5)


def test_fresh_noise_each_evaluation(backend):
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=1)
    gan.compile()
    x = images()
    first = gan.evaluate(x, batch_size=4, verbose=0, return_dict=True)
    second = gan.evaluate(x, batch_size=4, verbose=0, return_dict=True)
    assert first["g_loss"] != second["g_loss"]


@pytest.mark.parametrize("loss", ["wasserstein_gp", "hinge"])
def test_evaluate_every_loss(loss, backend):
    data = np.random.default_rng(0).uniform(-1, 1, (16, 3)).astype("float32")
    gan = mlp_gan(features=3, activation="tanh", loss=loss, discriminator_steps=2,
                  instance_noise=0.1)
    gan.compile()
    before = state(gan)
    logs = gan.evaluate(data, batch_size=8, verbose=0, return_dict=True)
    assert_same_state(before, state(gan))
    assert ("gradient_penalty" in logs) == (loss == "wasserstein_gp")
    assert all(np.isfinite(value) for value in logs.values())


def test_fit_logs_validation_losses(backend):
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=1)
    # steps_per_execution > 1 runs the JAX test step in a scan of states.
    gan.compile(steps_per_execution=1 if backend == "torch" else 2)
    x = images()
    history = gan.fit(x, batch_size=2, epochs=2, validation_data=images(4), verbose=0)
    for key in ("val_d_loss", "val_g_loss"):
        assert len(history.history[key]) == 2 and np.isfinite(history.history[key]).all()


def test_conditional_gan_evaluate(backend):
    gan = ConditionalGAN.dcgan((8, 8, 1), num_classes=2, latent_dim=4, base_filters=4, seed=1)
    gan.compile()
    x, labels = images(), np.arange(8) % 2
    history = gan.fit(x, labels, batch_size=4, validation_data=(x, labels), verbose=0)
    assert {"val_d_loss", "val_g_loss"} <= set(history.history)
    before = state(gan)
    logs = gan.evaluate(x, labels, batch_size=4, verbose=0, return_dict=True)
    assert_same_state(before, state(gan))
    assert all(np.isfinite(value) for value in logs.values())
