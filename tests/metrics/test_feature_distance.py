"""`FeatureDistance`, the base of the FID and KID metrics: what it keeps of each set, the
ranges it checks, and a result equal to the NumPy score (shown with KID)."""

import numpy as np
import pytest

from keras_gen.metrics.kernel_inception_distance import KernelInceptionDistance
from keras_gen.metrics.kernel_inception_distance import kid_score


def _digits(count):
    from keras_gen.data.digits import load_digits

    return load_digits(limit=count)[0] * 2.0 - 1.0  # (count, 8, 8, 1) in [-1, 1]


def test_keeps_the_first_max_samples_and_equals_the_numpy_score(backend):
    digits = _digits(96)
    kid = KernelInceptionDistance("mnist", image_shape=(8, 8, 1), max_samples=40, subsets=4,
                                  subset_size=16)
    assert np.isnan(kid.result())  # nothing seen yet
    for start in (0, 16, 32):  # 48 pairs offered, the first 40 kept
        kid.update_state(digits[start : start + 16], digits[48 + start : 64 + start])
    expected = kid_score(digits[:40], digits[48:88], "mnist", (-1, 1), subsets=4, subset_size=16)[0]
    assert kid.result() == pytest.approx(expected, rel=1e-5, abs=1e-7)
    kid.reset_state()
    assert np.isnan(kid.result())


def test_sets_of_different_ranges_and_a_missing_image_shape_are_refused(backend):
    digits = _digits(32)
    kid = KernelInceptionDistance("mnist", image_shape=(8, 8, 1), subsets=2, subset_size=8)
    kid.update_state(digits[:16], (digits[16:] + 1.0) / 2.0)  # [-1, 1] against [0, 1]
    with pytest.raises(ValueError, match="share a value range"):
        kid.result()
    with pytest.raises(ValueError, match="image_shape"):
        KernelInceptionDistance("mnist")
