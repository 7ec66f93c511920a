import numpy as np
import pytest

from keras_gen.metrics.image_sets import check_image_sets
from keras_gen.metrics.image_sets import check_value_ranges


def test_alike_sets_pass():
    rng = np.random.default_rng(0)
    real, fake = check_image_sets(rng.uniform(size=(4, 5, 5, 3)), rng.uniform(size=(6, 5, 5, 3)),
                                  (0, 1))
    assert real.dtype == fake.dtype == np.float32 and len(fake) == 6


@pytest.mark.parametrize("real, generated, value_range, message", [
    ((0.0, 1.0), (-1.0, 1.0), (-1, 1), r"share a value range.*real_images values in \[0, 1\] "
                                       r"\(looks like \[0, 1\]\).*generated_images values in "
                                       r"\[-1, 1\] \(looks like \[-1, 1\]\)"),
    ((0.0, 255.0), (0.0, 1.0), (0, 255), r"share a value range.*\[0, 255\].*\[0, 1\]"),
    ((0.0, 1.0), (0.0, 2.0), (0, 1), r"`generated_images` values in value_range=\(0, 1\)"),
    ((float("nan"), 1.0), (0.0, 1.0), (0, 1), "real_images` to hold finite values"),
])
def test_mismatched_ranges_say_which_set(real, generated, value_range, message):
    with pytest.raises(ValueError, match=message):
        check_value_ranges(real, generated, value_range)


def test_shapes_and_sizes():
    with pytest.raises(ValueError, match=r"real_images with shape \(4, 8, 8, 1\), generated_images "
                                         r"with shape \(4, 8, 8, 3\)"):
        check_image_sets(np.zeros((4, 8, 8, 1)), np.zeros((4, 8, 8, 3)), (0, 1))
    with pytest.raises(ValueError, match="at least two images"):
        check_image_sets(np.zeros((1, 8, 8, 1)), np.zeros((4, 8, 8, 1)), (0, 1))
