import keras
import numpy as np
import pytest

from keras_gen.utils.data_checks import check_data
from keras_gen.utils.data_checks import is_array_like
from keras_gen.utils.data_checks import output_range


def test_good_data_comes_back_as_float32():
    x = check_data("x", [[0.0, 0.5], [1.0, 0.25]], sample_shape=(2,), value_range=(0, 1))
    assert isinstance(x, np.ndarray) and x.dtype == np.float32 and x.shape == (2, 2)
    assert check_data("x", np.ones((2, 3), "uint8"), keep_integer=True).dtype == np.uint8
    tensor = keras.ops.ones((2, 3))
    assert check_data("x", tensor, sample_shape=(None,)).shape == (2, 3)


@pytest.mark.parametrize("x, kwargs, expected", [
    (np.array([["a", "b"]]), {}, "Expected `x` to hold numbers. Received: x with dtype <U1"),
    (np.ones((2, 3)), {"sample_shape": (4,)},
     "Expected `x` to hold samples of shape (4,), an array of shape (N, 4). Received: x with "
     "shape (2, 3)"),
    (np.ones((2, 8, 8, 3)), {"sample_shape": (8, 8, 1)},
     "Expected `x` to have 1 channel(s) on its last axis, an array of shape (N, 8, 8, 1). "
     "Received: x with shape (2, 8, 8, 3)"),
    (np.ones((0, 4)), {}, "Expected `x` to hold at least one sample. Received: x with shape (0, 4)"),
    (np.array([[0.0, np.inf], [np.nan, 1.0]]), {},
     "Expected `x` to hold finite values. Received: x with 1 NaN and 1 Inf values (the first at "
     "index (0, 1))"),
    (np.array([[0, 255]], "uint8"), {"value_range": (0, 1), "reason": "a sigmoid output"},
     "Expected `x` to lie in [0, 1] (a sigmoid output). Received: x with values in [0, 255]"),
    (np.array([[0.0, 255.0]]), {"max_abs": 100},
     "Expected `x` scaled to |values| <= 100. Received: x with values in [0, 255]"),
    (np.array(3.0), {}, "Expected `x` to be an array of samples. Received: x=array(3.)"),
    ([[1.0, 2.0], [3.0]], {}, "Expected `x` to be an array of numbers. Received: x of type list"),
    (None, {}, "Expected `x` to be data (an array). Received: x=None"),
    (np.ones((1, 2), "complex64"), {}, "Expected `x` to hold real numbers"),
])
def test_each_problem_is_named(x, kwargs, expected):
    with pytest.raises(ValueError) as error:
        check_data("x", x, **kwargs)
    assert str(error.value).startswith(expected), str(error.value)
    assert "\n" not in str(error.value)


def test_streams_pass_through_unchecked():
    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.full((2, 2), np.nan)

    data = Batches()
    assert check_data("x", data, sample_shape=(3,)) is data and not is_array_like(data)


def test_sparse_counts_are_checked_on_their_values():
    from scipy import sparse

    counts = sparse.csr_matrix(np.array([[0.0, 2.0], [1.0, 0.0]]))
    assert check_data("x", counts, sample_shape=(2,)) is counts
    counts.data[0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        check_data("x", counts)


def test_output_range_reads_the_last_activation():
    dense = keras.layers.Dense
    assert output_range(keras.Sequential([keras.Input((2,)), dense(2, activation="sigmoid")])) == (0, 1)
    assert output_range(keras.Sequential([keras.Input((2,)), dense(2)])) is None
    inner = keras.Sequential([keras.Input((2,)), dense(2, activation="tanh")])
    assert output_range(keras.Sequential([keras.Input((2,)), inner])) == (-1, 1)
