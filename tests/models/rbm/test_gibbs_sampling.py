import keras
import numpy as np
import pytest

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


def _two_mode_rbm(persistent=True):
    """Six visible, four hidden units, all joined by +10: all on or all off, never between.

    From all on, each hidden unit gets 60 - 30 and each visible one 40 - 20;
    from all off, -30 and -20: no chain leaves either state.
    """
    from keras_gen.models import RBM

    rbm = RBM(4, persistent=persistent, persistent_chains=4, seed=0)
    rbm.build((None, 6))
    rbm.kernel.assign(np.full((6, 4), 10.0, "float32"))
    rbm.hidden_bias.assign(np.full(4, -30.0, "float32"))
    rbm.visible_bias.assign(np.full(6, -20.0, "float32"))
    return rbm


def test_samples_continue_the_persistent_chains():
    rbm = _two_mode_rbm()
    # Untrained chains: "auto" starts from the marginals (all off here).
    np.testing.assert_array_equal(rbm.sample(5, seed=0, gibbs_steps=5), rbm.sample(5, seed=0, gibbs_steps=5,
                                                                                    start="marginals"))
    assert rbm.sample(5, seed=0, gibbs_steps=5).max() < 1e-6
    rbm.chains.assign(np.array([[1.0] * 6, [0.0] * 6, [1.0] * 6, [0.0] * 6], "float32"))
    rbm.chains_started.assign(1.0)
    samples = rbm.sample(10, seed=0, gibbs_steps=20, start="persistent", batch_size=3)
    # Sample i continues chain i % 4, across batches.
    np.testing.assert_allclose(samples.mean(axis=1), [1, 0, 1, 0, 1, 0, 1, 0, 1, 0], atol=1e-6)
    np.testing.assert_array_equal(rbm.sample(10, seed=0, gibbs_steps=20, batch_size=3), samples)
    assert rbm.sample(10, seed=0, gibbs_steps=20, start="marginals").max() < 1e-6


def test_bad_sample_start():
    with pytest.raises(ValueError, match="start.*'noise'"):
        _two_mode_rbm().sample(2, start="noise")
    with pytest.raises(ValueError, match="chains have not been trained"):
        _two_mode_rbm().sample(2, start="persistent")
    with pytest.raises(ValueError, match="persistent=False"):
        _two_mode_rbm(persistent=False).sample(2, start="persistent")
