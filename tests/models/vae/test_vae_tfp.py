"""The TFP path (`distribution_backend="tfp"`) agrees with the keras.ops path."""

import keras
import numpy as np
import pytest

from keras_gen.models.vae import VAE
from keras_gen.models.vae.tfp_distributions import tfp_available

pytestmark = pytest.mark.skipif(
    keras.backend.backend() not in ("tensorflow", "jax") or not tfp_available(),
    reason="TensorFlow Probability runs on the TensorFlow and JAX backends only",
)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian", "continuous_bernoulli"])
def test_tfp_and_keras_losses_agree(digits, likelihood):
    x = digits[0][:16] if likelihood != "bernoulli" else (digits[0][:16] > 0.5).astype("float32")
    kwargs = dict(latent_dim=3, hidden_units=(8,), likelihood=likelihood, observation_scale=0.5)
    plain = VAE.dense((64,), **kwargs)
    tfp = VAE(plain.encoder, plain.decoder, likelihood=likelihood, observation_scale=0.5,
              distribution_backend="tfp")
    out = plain(x, training=True)
    for method, args in (("log_likelihood", ("targets", "decoder_output")),
                         ("kl_divergence", ("z_mean", "z_log_var"))):
        a = keras.ops.convert_to_numpy(getattr(plain, method)(*(out[k] for k in args)))
        b = keras.ops.convert_to_numpy(getattr(tfp, method)(*(out[k] for k in args)))
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-3)


def test_grey_targets_are_not_truncated(digits):
    # tfd.Bernoulli's int32 default would turn 0.7 into 0; the adapter asks for floats.
    plain = VAE.dense((64,), latent_dim=2, hidden_units=(8,))
    tfp = VAE(plain.encoder, plain.decoder, distribution_backend="tfp")
    x = np.full((2, 64), 0.7, "float32")
    logits = keras.ops.convert_to_tensor(np.zeros((2, 64), "float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(tfp.log_likelihood(x, logits)),
                               keras.ops.convert_to_numpy(plain.log_likelihood(x, logits)), rtol=1e-5)


def test_trains_with_tfp(digits):
    x = (digits[0][:256] > 0.5).astype("float32")
    vae = VAE.dense((64,), latent_dim=3, hidden_units=(16,), distribution_backend="tfp", seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(x, epochs=4, batch_size=64, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
