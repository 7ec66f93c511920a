import numpy as np
import pytest

from keras_gen.data import binarize
from keras_gen.data import rescale
from keras_gen.data import stochastic_binarize
from keras_gen.data import to_signed
from keras_gen.data import to_unit


def test_to_unit_infers_the_stored_range():
    np.testing.assert_allclose(to_unit(np.array([0, 255], "uint8")), [0.0, 1.0])
    np.testing.assert_allclose(to_unit(np.array([0.25, 0.5])), [0.25, 0.5])
    np.testing.assert_allclose(to_unit(np.array([-1.0, 0.0, 1.0])), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(to_unit(np.array([0, 1, 1], "uint8")), [0.0, 1.0, 1.0])
    np.testing.assert_allclose(to_unit(np.array([0, 8, 16]), value_range=(0, 16)), [0, 0.5, 1])
    assert to_unit(np.array([3], "uint8")).dtype == np.float32


def test_to_signed_and_back():
    x = np.random.default_rng(0).integers(0, 256, size=(4, 5)).astype("uint8")
    signed = to_signed(x)
    assert signed.min() >= -1 and signed.max() <= 1
    np.testing.assert_allclose(to_unit(signed), x / 255.0, atol=1e-6)


def test_binarize_threshold():
    x = np.array([0.1, 0.5, 0.51, 0.9])
    np.testing.assert_array_equal(binarize(x), [0, 0, 1, 1])
    np.testing.assert_array_equal(binarize(x, threshold=0.05), [1, 1, 1, 1])


def test_stochastic_binarize_is_a_seeded_bernoulli_draw():
    probabilities = np.full((200, 50), 0.3, "float32")
    first = stochastic_binarize(probabilities, seed=1)
    np.testing.assert_array_equal(first, stochastic_binarize(probabilities, seed=1))
    assert not np.array_equal(first, stochastic_binarize(probabilities, seed=2))
    assert set(np.unique(first).tolist()) == {0.0, 1.0}
    assert abs(first.mean() - 0.3) < 0.02  # 10,000 draws: standard error ~0.005
    edges = stochastic_binarize(np.array([0.0, 1.0] * 50), seed=0)
    np.testing.assert_array_equal(edges, [0.0, 1.0] * 50)


def test_rescale_names():
    x = np.array([0, 255], "uint8")
    np.testing.assert_array_equal(rescale(x, None), [0.0, 255.0])
    np.testing.assert_array_equal(rescale(x, "signed"), [-1.0, 1.0])
    with pytest.raises(ValueError, match="scale='tanh'"):
        rescale(x, "tanh")


def test_bad_data():
    for x, kwargs, pattern in [
        (np.array(["a", "b"]), {}, "hold numbers"),
        (np.array([object(), 1], dtype=object), {}, "hold numbers"),
        (np.zeros((0, 3)), {}, "non-empty"),
        (np.array([0.5, np.nan]), {}, "NaN"),
        (np.array([0, 300]), {}, "0..255"),
        (np.array([0.0, 2.0]), {}, "value_range"),
        (np.array([0.0, 2.0]), {"value_range": (0, 1)}, "lie in"),
        (np.array([0.0, 1.0]), {"value_range": (1, 0)}, "value_range"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            to_unit(x, **kwargs)


def test_bad_threshold_and_seed():
    with pytest.raises(ValueError, match="threshold=2"):
        binarize(np.array([0.5]), threshold=2)
    with pytest.raises(ValueError, match="seed='x'"):
        stochastic_binarize(np.array([0.5]), seed="x")
