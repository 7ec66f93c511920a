import os

import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders.networks import dense_networks
from keras_gen.models.vae import VAE
from tests.helpers import assert_round_trip


def _binary(digits, count=512):
    return (digits[0][:count] > 0.5).astype("float32")


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian", "continuous_bernoulli"])
def test_loss_falls(digits, likelihood):
    x = _binary(digits) if likelihood == "bernoulli" else digits[0][:512]
    vae = VAE.dense((64,), latent_dim=4, hidden_units=(32,), likelihood=likelihood,
                    observation_scale=0.3, seed=1)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(x, epochs=6, batch_size=64, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))
    assert history["loss"][-1] < history["loss"][0] - 0.1 * abs(history["loss"][0])
    assert history["kl"][-1] > 0


def test_dynamic_binarization_trains_on_grey_data(digits):
    x = digits[0][:512]
    vae = VAE.dense((64,), latent_dim=4, hidden_units=(32,), binarize=True, seed=1)
    out = vae(x[:8], training=True)
    assert set(np.unique(keras.ops.convert_to_numpy(out["targets"]))) <= {0.0, 1.0}
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(x, epochs=4, batch_size=64, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]


def test_round_trip_identical(digits, tmp_path):
    x = _binary(digits, 64)
    vae = VAE.dense((64,), latent_dim=3, hidden_units=(16,), observation_scale="learned",
                    likelihood="gaussian", beta=0.5, seed=2)
    vae.compile(optimizer="adam")
    vae.fit(x, epochs=1, batch_size=32, verbose=0)
    loaded = assert_round_trip(
        vae, os.path.join(tmp_path, "vae.keras"),
        {"reconstruct": lambda m: m.reconstruct(x[:8]), "encode": lambda m: m.encode(x[:8]),
         "log_scale": lambda m: keras.ops.convert_to_numpy(m.log_scale),
         "sample": lambda m: m.sample(4, seed=5),
         # Unseeded draws come from the model's generator, whose state is saved.
         "unseeded sample": lambda m: m.sample(4),
         "posterior sample": lambda m: m.encode(x[:8], sample=True)},
        train=lambda m: m.fit(x, epochs=1, batch_size=32, verbose=0))
    assert loaded.beta == 0.5 and loaded.likelihood == "gaussian"


def test_interface_shapes_and_ranges(digits):
    vae = VAE.dense((64,), latent_dim=2, hidden_units=(16,))
    x = _binary(digits, 6)
    z = np.zeros((3, 2), "float32")
    # NumPy on every backend (on torch, never a tensor that tracks gradients).
    for result in (vae.encode(x), vae.encode(x, sample=True, seed=3), vae.decode(z),
                   vae.generate(z), vae.reconstruct(x), vae.sample(2), vae.interpolate(x, x)):
        assert type(result) is np.ndarray and result.dtype == np.float32
    assert vae.encode(x).shape == (6, 2) and vae.encode(x, sample=True, seed=3).shape == (6, 2)
    np.testing.assert_array_equal(vae.generate(z), vae.decode(z))
    samples = vae.sample(5, seed=0)
    assert samples.shape == (5, 64) and samples.min() >= 0 and samples.max() <= 1
    np.testing.assert_array_equal(samples, vae.sample(5, seed=0))
    np.testing.assert_allclose(samples, vae.sample(5, seed=0, batch_size=2), atol=1e-6)
    path = vae.interpolate(x[:2], x[2:4], steps=7)
    assert path.shape == (2, 7, 64)
    np.testing.assert_allclose(path[:, 0], vae.reconstruct(x[:2]), atol=1e-5)
    np.testing.assert_allclose(path[:, -1], vae.reconstruct(x[2:4]), atol=1e-5)


@pytest.mark.slow
def test_conv_builder(digits, tmp_path):
    x = _binary(digits, 128).reshape(-1, 8, 8, 1)
    vae = VAE.conv((8, 8, 1), latent_dim=3, filters=(8, 16), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(x, epochs=4, batch_size=32, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert vae.sample(2).shape == (2, 8, 8, 1)


def test_beta_scales_the_kl(digits):
    x = _binary(digits, 32)
    for beta in (0.0, 1.0, 3.0):
        vae = VAE.dense((64,), latent_dim=3, hidden_units=(8,), beta=beta, seed=4)
        vae.compile(optimizer="adam")
        out = vae(x, training=True)
        rec = -keras.ops.convert_to_numpy(vae.log_likelihood(out["targets"], out["decoder_output"]))
        kl = keras.ops.convert_to_numpy(vae.kl_divergence(out["z_mean"], out["z_log_var"]))
        loss = float(keras.ops.convert_to_numpy(vae.compute_loss(x=x, y_pred=out)))
        assert loss == pytest.approx(float(np.mean(rec + beta * kl)), rel=1e-5)


def test_bad_inputs(digits):
    encoder, decoder = dense_networks((64,), (16,), 6, decoder_input_units=3, output_activation=None)
    _, wrong = dense_networks((32,), (16,), 6, decoder_input_units=3)
    with pytest.raises(ValueError, match="decoder output shape"):
        VAE(encoder, wrong)
    _, wide = dense_networks((64,), (16,), 8)
    with pytest.raises(ValueError, match="decoder input shape"):
        VAE(encoder, wide)
    odd_encoder, _ = dense_networks((64,), (16,), 5)
    with pytest.raises(ValueError, match="2 \\* latent_dim"):
        VAE(odd_encoder, decoder)
    with pytest.raises(ValueError, match="latent_dim"):
        VAE.dense((64,), latent_dim=0)
    with pytest.raises(ValueError, match="beta"):
        VAE(encoder, decoder, beta=-1.0)
    with pytest.raises(ValueError, match="likelihood"):
        VAE(encoder, decoder, likelihood="poisson")
    with pytest.raises(ValueError, match="observation_scale"):
        VAE(encoder, decoder, likelihood="gaussian", observation_scale=0.0)
    vae = VAE(encoder, decoder)
    vae.compile(optimizer="adam")
    with pytest.raises(ValueError, match="binary"):
        vae.fit(digits[0][:32], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="shape"):
        vae.fit(np.zeros((4, 32), "float32"), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="count"):
        vae.sample(0)
    with pytest.raises(ValueError, match=r"Expected `x` to hold samples of shape \(64,\)"):
        vae.encode(np.zeros((2, 32), "float32"))
