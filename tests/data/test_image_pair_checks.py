import types

import keras
import numpy as np
import pytest

from keras_gen.data.image_pair_checks import check_image_pairs
from keras_gen.data.image_pair_checks import check_images
from keras_gen.data.image_pair_checks import check_same_count
from keras_gen.data.image_pair_checks import peek_pair
from keras_gen.data.image_pair_checks import to_image_batch

PAIR = (("inputs", 3), ("targets", 1))


class _Pairs(keras.utils.PyDataset):
    def __init__(self, batch):
        super().__init__()
        self.batch = batch

    def __len__(self):
        return 1

    def __getitem__(self, index):
        return self.batch


def test_peek_pair_arrays_tuples_datasets_and_unknown():
    x, y = np.zeros((2, 4, 4, 3)), np.zeros((2, 4, 4, 1))
    assert peek_pair(x, y) == ((2, 4, 4, 3), (2, 4, 4, 1))
    assert peek_pair([x, y]) == ((2, 4, 4, 3), (2, 4, 4, 1))
    assert peek_pair(_Pairs((x, y))) == ((2, 4, 4, 3), (2, 4, 4, 1))
    assert peek_pair(_Pairs(((x, y),))) == ((2, 4, 4, 3), (2, 4, 4, 1))
    assert peek_pair(_Pairs(x)) is None
    spec = types.SimpleNamespace(
        element_spec=(types.SimpleNamespace(shape=(None, 4, 4, 3)), types.SimpleNamespace(shape=(None, 4, 4, 1)))
    )
    assert peek_pair(spec) == ((None, 4, 4, 3), (None, 4, 4, 1))
    assert peek_pair(iter([x])) is None


def test_check_images_and_same_count():
    check_images("inputs", (5, 8, 8, 3), 8, 3)
    expected = r"Expected `inputs` images of shape \(N, 8, 8, 3\).*Received: inputs with shape \(5, 8, 8, 1\)"
    with pytest.raises(ValueError, match=expected):
        check_images("inputs", (5, 8, 8, 1), 8, 3)
    with pytest.raises(ValueError, match="Expected `inputs` images"):
        check_images("inputs", (8, 8, 3), 8, 3)
    check_same_count("inputs", (None, 8, 8, 3), "targets", (4, 8, 8, 1))
    with pytest.raises(ValueError, match="Expected as many `targets` as `inputs` images"):
        check_same_count("inputs", (3, 8, 8, 3), "targets", (4, 8, 8, 1))


def test_to_image_batch_scales_uint8_and_adds_batch_axis():
    image = np.array([[[0], [255]], [[51], [255]]], dtype="uint8")  # (2, 2, 1): one image
    batch = to_image_batch("images", image, 2, 1)
    assert batch.shape == (1, 2, 2, 1) and batch.dtype == np.float32
    np.testing.assert_allclose(batch[0, :, :, 0], [[-1.0, 1.0], [-0.6, 1.0]], atol=1e-6)
    floats = np.linspace(-1, 1, 2 * 2 * 2 * 1).reshape(2, 2, 2, 1)
    out = to_image_batch("images", floats, 2, 1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, floats, atol=1e-6)


def test_to_image_batch_rejects_bad_images():
    with pytest.raises(ValueError, match=r"to lie in \[-1, 1\].*x / 127.5 - 1"):
        to_image_batch("images", np.full((1, 2, 2, 1), 2.0), 2, 1)
    with pytest.raises(ValueError, match=r"Expected `images` images of shape \(N, 2, 2, 1\)"):
        to_image_batch("images", np.zeros((1, 2, 2, 3)), 2, 1)
    with pytest.raises(ValueError, match="Expected `images`"):
        to_image_batch("images", "not images", 2, 1)


def test_check_image_pairs_accepts_good_data():
    x = np.zeros((2, 4, 4, 3), "float32")
    y = np.ones((2, 4, 4, 1), "float32")
    check_image_pairs(x, y, 4, *PAIR)
    check_image_pairs((x, y), None, 4, *PAIR)
    check_image_pairs(iter([(x, y)]), None, 4, *PAIR)  # a stream: checked batch by batch later


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros((2, 4, 4, 1)), np.zeros((2, 4, 4, 1)), r"Expected `inputs` images of shape \(N, 4, 4, 3\)"),
        (np.zeros((2, 4, 4, 3)), np.zeros((2, 8, 8, 1)), r"Expected `targets` images of shape \(N, 4, 4, 1\)"),
        (np.zeros((2, 4, 4, 3)), np.zeros((3, 4, 4, 1)), "Expected as many `targets` as `inputs`"),
        (np.full((2, 4, 4, 3), np.nan), np.zeros((2, 4, 4, 1)), "Expected `inputs` to hold finite values"),
        (np.zeros((2, 4, 4, 3)), np.full((2, 4, 4, 1), 255.0), r"Expected `targets` to lie in \[-1, 1\]"),
    ],
)
def test_check_image_pairs_rejects(x, y, message):
    with pytest.raises(ValueError, match=message):
        check_image_pairs(x, y, 4, *PAIR)
    with pytest.raises(ValueError, match=message):
        check_image_pairs((x, y), None, 4, *PAIR)


def test_check_image_pairs_on_a_dataset_checks_shapes_not_values():
    nan_inputs = np.full((2, 4, 4, 3), np.nan)
    check_image_pairs(_Pairs((nan_inputs, np.zeros((2, 4, 4, 1)))), None, 4, *PAIR)
    with pytest.raises(ValueError, match="Expected as many `targets` as `inputs`"):
        check_image_pairs(_Pairs((nan_inputs, np.zeros((3, 4, 4, 1)))), None, 4, *PAIR)
