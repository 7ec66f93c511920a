import keras
import numpy as np
import pytest

from keras_gen.metrics.iwae import iwae_nll
from keras_gen.models.vae import VAE


@pytest.fixture
def trained(digits):
    x = (digits[0][:512] > 0.5).astype("float32")
    vae = VAE.dense((64,), latent_dim=4, hidden_units=(32,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    vae.fit(x, epochs=3, batch_size=64, verbose=0)
    return vae, x[:40]


def test_bound_tightens_with_k_and_is_below_the_elbo(trained):
    vae, x = trained
    negative_elbo = float(vae.evaluate(x, batch_size=40, verbose=0, return_dict=True)["loss"])
    one = iwae_nll(vae, x, num_samples=1, batch_size=20, seed=1)
    many = iwae_nll(vae, x, num_samples=200, batch_size=20, chunk_size=64, seed=1)
    assert many < one
    assert many < negative_elbo
    assert one == pytest.approx(negative_elbo, rel=0.1)


def test_chunking_and_batching_do_not_change_the_estimate(trained):
    vae, x = trained
    mean, per_example = iwae_nll(vae, x, num_samples=60, batch_size=40, chunk_size=60, seed=3,
                                 return_per_example=True)
    other = iwae_nll(vae, x, num_samples=60, batch_size=7, chunk_size=13, seed=5)
    assert per_example.shape == (40,)
    assert other == pytest.approx(mean, rel=0.02)
    assert iwae_nll(vae, x, num_samples=60, batch_size=40, chunk_size=60, seed=3) == mean


def test_exact_for_a_linear_gaussian_model():
    # With q equal to the exact posterior the weights are constant: any k gives log p(x).
    vae = VAE.dense((2,), latent_dim=1, hidden_units=(), likelihood="gaussian",
                    observation_scale=1.0)
    # Decoder x = W z (no hidden layer); encoder chosen as the exact posterior.
    w = np.array([[1.0, 2.0]], "float32")
    vae.decoder.layers[-1].set_weights([w, np.zeros(2, "float32")])
    precision = 1.0 + float((w @ w.T)[0, 0])
    mean_kernel = (w.T / precision).astype("float32")
    encoder_kernel = np.concatenate([mean_kernel, np.zeros((2, 1), "float32")], axis=1)
    encoder_bias = np.array([0.0, -np.log(precision)], "float32")
    vae.encoder.layers[-1].set_weights([encoder_kernel, encoder_bias])
    x = np.array([[0.3, -1.2], [1.0, 0.5]], "float32")
    covariance = np.eye(2) + w.T @ w
    expected = -np.mean([
        -0.5 * v @ np.linalg.solve(covariance, v) - 0.5 * np.log(np.linalg.det(covariance)) - np.log(2 * np.pi)
        for v in x.astype("float64")
    ])
    assert iwae_nll(vae, x, num_samples=3, batch_size=2) == pytest.approx(expected, abs=1e-4)


def test_bad_inputs(trained):
    vae, x = trained
    with pytest.raises(ValueError, match="num_samples"):
        iwae_nll(vae, x, num_samples=0)
    with pytest.raises(ValueError, match="log_importance_weights"):
        iwae_nll(object(), x)
    with pytest.raises(ValueError, match="x"):
        iwae_nll(vae, np.zeros((0, 64)))
