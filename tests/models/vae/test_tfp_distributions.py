import keras
import pytest

from keras_gen.models.vae.tfp_distributions import tfp_distributions


@pytest.mark.skipif(keras.backend.backend() not in ("tensorflow", "jax"), reason="TFP substrates")
def test_substrate_matches_backend():
    tfd = tfp_distributions()
    value = tfd.Normal(0.0, 1.0).log_prob(0.0)
    assert abs(float(value) + 0.9189385) < 1e-5
    module = type(value).__module__
    assert ("jax" in module) == (keras.backend.backend() == "jax")


@pytest.mark.skipif(keras.backend.backend() in ("tensorflow", "jax"), reason="backends without TFP")
def test_clear_error_on_other_backends():
    from keras_gen.models.vae import VAE

    with pytest.raises(ValueError, match="tensorflow' or 'jax'"):
        tfp_distributions()
    with pytest.raises(ValueError, match="distribution_backend='keras'"):
        VAE.dense((8,), latent_dim=2, hidden_units=(4,), distribution_backend="tfp")
