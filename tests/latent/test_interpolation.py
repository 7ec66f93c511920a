import numpy as np
import pytest

from keras_gen.latent import interpolate


def test_slerp_keeps_the_norm_and_lerp_is_straight():
    rng = np.random.default_rng(0)
    z0, z1 = rng.normal(size=64), rng.normal(size=64)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    slerp = interpolate(z0, z1, steps=7)
    np.testing.assert_allclose(np.linalg.norm(slerp, axis=1), np.linalg.norm(z0), rtol=1e-5)
    np.testing.assert_allclose(slerp[[0, -1]], [z0, z1], rtol=1e-5)
    lerp = interpolate(z0, z1, steps=5, method="lerp")
    np.testing.assert_allclose(lerp[2], (z0 + z1) / 2, rtol=1e-5)
    # The midpoint of a straight line between random directions is shorter.
    assert np.linalg.norm(lerp[2]) < 0.9 * np.linalg.norm(z0)


def test_slerp_of_parallel_vectors_falls_back_to_lerp():
    path = interpolate([1.0, 0.0], [2.0, 0.0], steps=3)
    np.testing.assert_allclose(path[1], [1.5, 0.0])


def test_bad_inputs():
    with pytest.raises(ValueError, match="steps"):
        interpolate([0.0, 1.0], [1.0, 0.0], steps=1)
    with pytest.raises(ValueError, match="method"):
        interpolate([0.0, 1.0], [1.0, 0.0], method="cubic")
    with pytest.raises(ValueError, match="same shape"):
        interpolate([0.0, 1.0], [1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="z0"):
        interpolate([[0.0]], [1.0])
