import keras
import numpy as np
import pytest

from keras_gen.models import DBM
from tests.helpers import assert_round_trip
from tests.models.dbm.common import STEPS
from tests.models.dbm.common import pretrained


def test_joint_training_keeps_the_pretrained_reconstruction_and_moves_chains(digits):
    x = digits[0][:400]
    dbm, _ = pretrained(x, epochs=1)
    dbm.compile(optimizer=keras.optimizers.SGD(0.02, momentum=0.5), steps_per_execution=STEPS)
    history = dbm.fit(x, batch_size=20, epochs=3, verbose=0, shuffle=False).history
    # Over a few epochs on 400 digits the error only wanders by ~0.5 % (it falls over
    # MNIST-scale training, benchmarks/dbm_mnist.py); joint training must not undo
    # the pretraining, as it used to.
    errors = history["reconstruction_error"]
    assert max(errors) <= 1.02 * errors[0], errors
    assert np.isfinite(history["loss"]).all()
    chains = keras.ops.convert_to_numpy(dbm.chains_visible)
    assert chains.shape == (20, 64) and np.isin(chains, (0.0, 1.0)).all()
    assert float(keras.ops.convert_to_numpy(dbm.chains_started)) == 1.0


@pytest.mark.slow
def test_joint_training_raises_the_exact_likelihood_above_pretraining():
    from keras_gen.models.dbm.ais import exact_log_likelihood

    # Binary 4x4 bars: one row or one column on, a distribution a DBM can
    # learn; its likelihood is computed exactly by enumeration.
    rng = np.random.default_rng(0)
    bars = []
    for _ in range(400):
        image = np.zeros((4, 4), "float32")
        if rng.random() < 0.5:
            image[rng.integers(4)] = 1.0
        else:
            image[:, rng.integers(4)] = 1.0
        bars.append(image.ravel())
    x = np.array(bars)
    dbm = DBM((8, 6), persistent_chains=50, gibbs_steps=5, seed=0)
    dbm.pretrain(x, epochs=(30, 30), batch_size=20, verbose=0, steps_per_execution=STEPS)
    pretrained = exact_log_likelihood(dbm, x).mean()
    from keras_gen.models.rbm.generative_training import generative_optimizer

    dbm.compile(optimizer=generative_optimizer(0.02, 20 * 20, momentum=0.5, weight_average=0.0),
                steps_per_execution=STEPS)
    dbm.fit(x, batch_size=20, epochs=20, verbose=0)
    joint = exact_log_likelihood(dbm, x).mean()
    assert joint > pretrained + 0.5, (pretrained, joint)


def test_fit_needs_pretraining(digits):
    x = digits[0][:40]
    dbm = DBM((8, 4), persistent_chains=10, seed=0)
    dbm.compile()
    with pytest.raises(ValueError, match="pretrain"):
        dbm.fit(x, batch_size=20, epochs=1, verbose=0)
    dbm.build((None, 64))
    with pytest.raises(ValueError, match="pretrain"):
        dbm.fit(x, batch_size=20, epochs=1, verbose=0)


def test_mean_field_is_a_fixed_point(digits):
    x = digits[0][:50]
    dbm, _ = pretrained(x, epochs=1)
    mu1, mu2 = dbm.mean_field(x, steps=50)
    kernel_1, kernel_2 = (keras.ops.convert_to_numpy(k) for k in (dbm.kernel_1, dbm.kernel_2))
    bias_1 = keras.ops.convert_to_numpy(dbm.hidden_bias_1)
    mu1, mu2 = keras.ops.convert_to_numpy(mu1), keras.ops.convert_to_numpy(mu2)
    update = 1 / (1 + np.exp(-(x @ kernel_1 + mu2 @ kernel_2.T + bias_1)))
    np.testing.assert_allclose(update, mu1, atol=1e-4)


def _two_mode_dbm():
    """A DBM with a dominant "on" mode and a spurious mode where every h1 unit is off.

    Visible units A (bias +20) are always on, C (bias -20) follow h1; h2's
    units G excite h1, B inhibit it. On: h1, G and C on (-E = 304). Off: h1,
    h2 and C off (-E = 160), a state no Gibbs chain leaves (h1's input there
    is -12). An `h2` drawn at 1/2 turns some B units on and drops ~98 % of
    chains into the off mode; the recognition pass (2 v W1 + c1 = +12) puts
    them in the on mode.
    """
    dbm = DBM((8, 8), seed=0)
    dbm.build((None, 16))
    a, c = slice(0, 8), slice(8, 16)
    kernel_1 = np.zeros((16, 8), "float32")
    kernel_1[a], kernel_1[c] = 3.0, 5.0
    kernel_2 = np.zeros((8, 8), "float32")
    kernel_2[:, :4], kernel_2[:, 4:] = 5.0, -10.0
    visible_bias = np.full(16, -20.0, "float32")
    visible_bias[a] = 20.0
    dbm.kernel_1.assign(kernel_1)
    dbm.kernel_2.assign(kernel_2)
    dbm.visible_bias.assign(visible_bias)
    dbm.hidden_bias_1.assign(np.full(8, -36.0, "float32"))
    dbm.hidden_bias_2.assign(np.full(8, -20.0, "float32"))
    return dbm


def test_samples_do_not_collapse_into_the_all_off_hidden_state():
    dbm = _two_mode_dbm()
    samples = dbm.sample(64, seed=0, gibbs_steps=20)
    # C's pixels are on exactly when h1 is: every chain must be in the dominant mode.
    assert samples[:, 8:].min() > 0.99, f"{int(np.sum(samples[:, 8:].mean(1) < 0.5))} of 64 chains collapsed"
    np.testing.assert_allclose(samples[:, :8], 1.0, atol=1e-6)


def test_save_load_round_trip(digits, tmp_path):
    x = digits[0][:200]
    dbm, _ = pretrained(x, epochs=1)
    dbm.compile(optimizer=keras.optimizers.SGD(0.01), steps_per_execution=STEPS)
    dbm.fit(x, batch_size=20, epochs=1, verbose=0)
    samples = dbm.sample(4, seed=1, gibbs_steps=20)
    assert samples.shape == (4, 64) and 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_array_equal(samples, dbm.sample(4, seed=1, gibbs_steps=20))
    numpy = keras.ops.convert_to_numpy
    outputs = {"transform": lambda m: m.transform(x), "sample": lambda m: m.sample(3, seed=2, gibbs_steps=10),
               "own generator": lambda m: m.sample(2, gibbs_steps=5)}
    for name in ("chains_visible", "chains_hidden_1", "chains_hidden_2", "chains_started", "pretrained"):
        outputs[name] = lambda m, name=name: numpy(getattr(m, name))
    restored = assert_round_trip(dbm, tmp_path / "dbm.keras", outputs)
    # Training resumes on the same chains with the same noise.
    for model in (dbm, restored):
        model.fit(x, batch_size=20, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(restored.get_weights(), dbm.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_bad_input(digits):
    x = digits[0][:40]
    with pytest.raises(ValueError, match="hidden_units"):
        DBM((10,))
    with pytest.raises(ValueError, match="hidden_units"):
        DBM((10, 0))
    with pytest.raises(ValueError, match="mean_field_steps"):
        DBM((10, 5), mean_field_steps=0)
    dbm = DBM((8, 4), persistent_chains=10, seed=0)
    with pytest.raises(ValueError, match="to_classifier"):
        dbm.to_classifier(10)
    with pytest.raises(ValueError, match="x"):
        dbm.pretrain(x * 2, verbose=0)
    dbm.pretrain(x, epochs=1, batch_size=20, verbose=0)
    with pytest.raises(ValueError, match="num_classes"):
        dbm.to_classifier(1)
    with pytest.raises(ValueError, match="x"):
        dbm.transform(x[:, :10])
    with pytest.raises(ValueError, match="layer"):
        dbm.transform(x, layer=3)
    with pytest.raises(ValueError, match="count"):
        dbm.sample(0)
    with pytest.raises(ValueError, match="gibbs_steps"):
        dbm.sample(2, gibbs_steps=0)
    with pytest.raises(ValueError, match="seed"):
        dbm.sample(2, seed=-1)


def test_samples_continue_the_persistent_chains_after_joint_training():
    dbm = _two_mode_dbm()
    with pytest.raises(ValueError, match="start='persistent'.*joint training"):
        dbm.sample(2, start="persistent")
    with pytest.raises(ValueError, match="start"):
        dbm.sample(2, start="noise")
    # Chain 0 in the off mode (h1, h2 and C off), chain 1 in the on mode (h1, G and C on).
    visible = np.zeros((2, 16), "float32")
    visible[:, :8], visible[1, 8:] = 1.0, 1.0
    hidden_2 = np.zeros((2, 8), "float32")
    hidden_2[1, :4] = 1.0
    index = np.arange(100) % 2
    dbm.chains_visible.assign(visible[index])
    dbm.chains_hidden_2.assign(hidden_2[index])
    dbm.chains_started.assign(1.0)
    samples = dbm.sample(5, seed=0, gibbs_steps=20)
    np.testing.assert_allclose(samples[:, 8:].mean(axis=1), [0, 1, 0, 1, 0], atol=1e-6)
    assert dbm.sample(5, seed=0, gibbs_steps=20, start="marginals")[:, 8:].min() > 0.99
