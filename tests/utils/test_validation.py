import numpy as np
import pytest

from keras_gen.utils.validation import (
    check_array,
    check_class_labels,
    check_in,
    check_non_negative,
    check_positive_int,
    check_probability,
    check_seed,
)


def test_check_positive_int_accepts_numpy_int_and_returns_python_int():
    value = check_positive_int("units", np.int64(3))
    assert value == 3 and type(value) is int


@pytest.mark.parametrize("value", [0, -1, 2.0, True, "3"])
def test_check_positive_int_rejects(value):
    with pytest.raises(ValueError, match=r"Expected `units` to be an integer >= 1\. Received: units="):
        check_positive_int("units", value)


def test_check_positive_int_minimum():
    assert check_positive_int("n", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=">= 2"):
        check_positive_int("n", 1, minimum=2)


def test_check_seed():
    assert check_seed(None) is None
    assert check_seed(0) == 0
    with pytest.raises(ValueError, match=r"Received: seed=-1"):
        check_seed(-1)
    with pytest.raises(ValueError, match=r"Received: my_seed=1\.5"):
        check_seed(1.5, name="my_seed")


def test_check_non_negative():
    assert check_non_negative("beta", 0) == 0.0
    assert type(check_non_negative("beta", np.float32(2.5))) is float
    for bad in (-0.1, float("nan"), float("inf"), True, "1"):
        with pytest.raises(ValueError, match="Expected `beta` to be a number >= 0"):
            check_non_negative("beta", bad)


def test_check_probability_bounds():
    assert check_probability("p", 0) == 0.0
    assert check_probability("p", 1) == 1.0
    with pytest.raises(ValueError, match=r"in \(0, 1\]\. Received: p=0"):
        check_probability("p", 0, allow_zero=False)
    with pytest.raises(ValueError, match=r"in \[0, 1\)\. Received: p=1"):
        check_probability("p", 1, allow_one=False)
    for bad in (-0.01, 1.01, float("nan"), False):
        with pytest.raises(ValueError, match="Expected `p`"):
            check_probability("p", bad)


def test_check_in():
    assert check_in("kind", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"one of \('a', 'b'\)\. Received: kind='c'"):
        check_in("kind", "c", ["a", "b"])


def test_check_array_converts_and_keeps_values():
    out = check_array("x", [[0, 1], [1, 0]], ndim=2, last_dim=2, value_range=(0, 1))
    assert out.dtype == np.float32 and out.shape == (2, 2)
    np.testing.assert_array_equal(out, [[0, 1], [1, 0]])
    kept = check_array("x", np.arange(3, dtype="int16"), dtype=None)
    assert kept.dtype == np.int16
    assert check_array("x", np.zeros((0, 2)), allow_empty=True).shape == (0, 2)
    assert check_array("x", np.zeros((2, 3, 4)), ndim=(2, 3)).ndim == 3


@pytest.mark.parametrize(
    "x, kwargs, message",
    [
        ([[1.0], [1.0, 2.0]], {}, "Expected `x` to be an array"),
        (np.array(["a", "b"]), {}, "to hold numbers"),
        (np.zeros((2, 3)), {"ndim": 3}, r"to have 3 dimensions\. Received: x with shape \(2, 3\)"),
        (np.zeros((2, 3)), {"ndim": (1, 4)}, "to have 1 or 4 dimensions"),
        (np.zeros((0, 3)), {}, "to be non-empty"),
        (np.float32(1.0), {}, "to be non-empty"),
        (np.zeros((2, 3)), {"last_dim": 4}, "to have 4 features on its last axis"),
        (np.array([0.0, np.nan, np.inf]), {}, "with 2 NaN/Inf values"),
        (np.array([0.0, 2.0]), {"value_range": (0, 1)}, r"to lie in \[0, 1\]\. Received: x with values in \[0, 2\]"),
    ],
)
def test_check_array_rejects(x, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_array("x", x, **kwargs)


def test_check_class_labels():
    np.testing.assert_array_equal(check_class_labels("label", 1, 2, 3), [[0, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(check_class_labels("label", [2, 0], 2, 3).argmax(axis=1), [2, 0])
    assert check_class_labels("label", None, 2, 3) is None
    for bad in (3, -1, 0.5, [0, 1, 2], [[0, 1]], "a"):
        with pytest.raises(ValueError, match="`label`"):
            check_class_labels("label", bad, 2, 3)
    with pytest.raises(ValueError, match=r"y=array of shape \(20,\).*values in \[5, 5\]"):
        check_class_labels("y", np.full(20, 5), 20, 3)
    with pytest.raises(ValueError, match="unlabelled DBM"):
        check_class_labels("label", 0, 2, None, model="DBM")
