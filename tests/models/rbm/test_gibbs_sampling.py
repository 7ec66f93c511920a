import keras
import numpy as np

from tests.models.rbm.common import trained


def test_sampling_methods(digits):
    x = digits[0][:200]
    rbm, _ = trained(x, epochs=1)
    samples = rbm.sample(6, gibbs_steps=10, seed=1)
    assert samples.shape == (6, 64) and samples.min() >= 0 and samples.max() <= 1
    np.testing.assert_array_equal(samples, rbm.sample(6, gibbs_steps=10, seed=1))
    assert not np.array_equal(samples, rbm.sample(6, gibbs_steps=10, seed=2))
    # In batches of chains: one seeded stream runs on through them.
    batched = rbm.sample(6, gibbs_steps=10, seed=1, batch_size=4)
    assert batched.shape == (6, 64)
    np.testing.assert_array_equal(batched[:4], rbm.sample(4, gibbs_steps=10, seed=1))
    chain = keras.ops.convert_to_numpy(rbm.gibbs(x[:4], steps=3, seed=0))
    assert set(np.unique(chain)) <= {0.0, 1.0}
    h = keras.ops.convert_to_numpy(rbm.sample_hidden(x[:4], seed=0))
    assert h.shape == (4, 32) and set(np.unique(h)) <= {0.0, 1.0}
    v = keras.ops.convert_to_numpy(rbm.sample_visible(h, seed=0))
    assert v.shape == (4, 64)
    np.testing.assert_allclose(
        rbm.reconstruct(x[:4]),
        keras.ops.convert_to_numpy(rbm.visible_mean(rbm.hidden_probabilities(x[:4]))), atol=1e-6,
    )
    assert rbm.transform(x).shape == (200, 32)


def test_completion_restores_masked_digits_better_than_chance(digits):
    x, _ = digits
    rbm, _ = trained(x[:1500], hidden_units=100, epochs=10)
    test = x[1500:1600]
    mask = np.ones(64, "float32")
    mask[32:] = 0.0  # bottom half of each 8x8 digit is unknown
    completed = rbm.complete(test, mask, gibbs_steps=20, seed=0)
    np.testing.assert_array_equal(completed[:, :32], test[:, :32])
    error = np.mean((completed[:, 32:] - test[:, 32:]) ** 2)
    chance = np.mean((np.random.default_rng(0).random(test[:, 32:].shape) - test[:, 32:]) ** 2)
    assert error < 0.5 * chance
