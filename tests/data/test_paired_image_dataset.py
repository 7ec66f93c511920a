import keras
import numpy as np
import pytest

from keras_gen.data import PairedImageDataset


def _epoch(data):
    return [data[i] for i in range(len(data))]


def test_paired_dataset_is_aligned_reproducible_and_fits():
    rng = np.random.default_rng(0)
    inputs = rng.uniform(-1, 1, (6, 8, 8, 3)).astype("float32")
    targets = -inputs  # aligned iff the same jitter and flip hit both
    data = PairedImageDataset(inputs, targets, batch_size=2, seed=1)
    assert len(data) == 3
    for x, y in _epoch(data):
        assert x.shape == (2, 8, 8, 3)
        np.testing.assert_allclose(y, -x, atol=1e-6)
    first = _epoch(data)
    data.set_epoch(1)
    assert not np.allclose(first[0][0], data[0][0])
    replay = PairedImageDataset(inputs, targets, batch_size=2, seed=1)
    np.testing.assert_array_equal(replay[2][0], first[2][0])
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(3, 3, padding="same")])
    model.compile("adam", "mae")
    model.fit(PairedImageDataset(inputs, targets, batch_size=2), epochs=1, verbose=0)


def test_paired_dataset_without_augmentation_returns_the_pairs():
    inputs = np.random.default_rng(0).random((5, 4, 4, 1)).astype("float32")
    data = PairedImageDataset(inputs, inputs + 1, batch_size=2, augment=False, shuffle=False,
                              drop_remainder=False)
    assert len(data) == 3
    np.testing.assert_array_equal(np.concatenate([data[i][0] for i in range(3)]), inputs)


def test_bad_input():
    for shapes, kwargs, pattern in [
        (((4, 8, 8, 3), (4, 6, 6, 3)), {}, "same height and width"),
        (((4, 8, 8, 3), (3, 8, 8, 3)), {}, "as many images"),
        (((4, 8, 8, 3), (4, 8, 8, 3)), {"batch_size": 5}, "batch_size=5"),
        (((4, 8, 8, 3), (4, 8, 8, 3)), {"jitter_size": 2}, "jitter_size=2"),
    ]:
        first, second = (np.zeros(shape, "float32") for shape in shapes)
        with pytest.raises(ValueError, match=pattern):
            PairedImageDataset(first, second, **kwargs)
