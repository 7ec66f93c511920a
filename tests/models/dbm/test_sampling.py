import numpy as np
import pytest

from keras_gen.models import DBM


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


def _labelled_dbm():
    """Two classes over 4 pixels: label k excites h2 unit k, which lights h1 unit k and pixels 2k, 2k + 1."""
    dbm = DBM((2, 2), seed=0, num_classes=2)
    dbm.build((None, 4))
    kernel_1 = np.zeros((4, 2), "float32")
    kernel_1[:2, 0], kernel_1[2:, 1] = 2.0, 2.0
    dbm.kernel_1.assign(kernel_1)
    dbm.kernel_2.assign(4.0 * np.eye(2, dtype="float32"))
    dbm.label_kernel.assign(np.array([[4.0, -4.0], [-4.0, 4.0]], "float32"))
    dbm.visible_bias.assign(np.full(4, -1.0, "float32"))
    dbm.hidden_bias_1.assign(np.full(2, -4.0, "float32"))
    dbm.hidden_bias_2.assign(np.full(2, -2.0, "float32"))
    return dbm


def test_a_clamped_label_draws_samples_of_its_class():
    dbm = _labelled_dbm()
    first = dbm.sample(400, seed=0, gibbs_steps=50, label=0)
    second = dbm.sample(400, seed=0, gibbs_steps=50, label=1)
    # Pixels 0-1 belong to class 0, pixels 2-3 to class 1.
    contrast = lambda s: float(s[:, :2].mean() - s[:, 2:].mean())  # noqa: E731
    assert contrast(first) > 0.2 and contrast(second) < -0.2, (contrast(first), contrast(second))
    mixed = dbm.sample(400, seed=0, gibbs_steps=50, label=np.arange(400) % 2)
    assert contrast(mixed[::2]) > 0.2 and contrast(mixed[1::2]) < -0.2
    free = contrast(dbm.sample(400, seed=0, gibbs_steps=50))
    assert abs(free) < 0.1, free  # the model is symmetric in its two classes


def test_bad_labels():
    dbm = _labelled_dbm()
    for bad in (2, -1, 0.5, [0, 1, 0], "a"):
        with pytest.raises(ValueError, match="label"):
            dbm.sample(2, label=bad)
    unlabelled = DBM((2, 2), seed=0)
    unlabelled.build((None, 4))
    with pytest.raises(ValueError, match="label.*unlabelled DBM"):
        unlabelled.sample(2, label=0)
