import keras
import numpy as np
import pytest

from keras_gen.data import DynamicBinarizationDataset


def _epoch(data):
    return [data[i] for i in range(len(data))]


def test_dynamic_binarization_redraws_each_epoch():
    x = np.full((40, 25), 0.5, "float32")
    data = DynamicBinarizationDataset(x, batch_size=16, seed=3)
    assert len(data) == 3
    first = np.concatenate(_epoch(data))
    assert first.shape == (40, 25) and set(np.unique(first).tolist()) == {0.0, 1.0}
    assert abs(first.mean() - 0.5) < 0.05
    np.testing.assert_array_equal(data[1], data[1])  # a batch is stable within an epoch
    data.set_epoch(1)
    second = np.concatenate(_epoch(data))
    assert not np.array_equal(first, second)
    replay = DynamicBinarizationDataset(x, batch_size=16, seed=3)
    np.testing.assert_array_equal(np.concatenate(_epoch(replay)), first)


def test_dynamic_binarization_keeps_labels_with_their_images():
    x = np.eye(6, dtype="float32")  # row i is 1 exactly at column i: deterministic draws
    data = DynamicBinarizationDataset(x, y=np.arange(6), batch_size=4, seed=0)
    for index in range(len(data)):
        batch, labels = data[index]
        np.testing.assert_array_equal(batch.argmax(axis=1), labels)
    batch, target = DynamicBinarizationDataset(x, batch_size=6, reconstruction_targets=True)[0]
    assert batch is target


def test_dynamic_binarization_trains_with_fit():
    x = np.random.default_rng(0).random((32, 8)).astype("float32")
    data = DynamicBinarizationDataset(x, batch_size=8, seed=0, reconstruction_targets=True)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert data.epoch == 2  # two full passes, each with its own draw
    model.fit(data, epochs=1, verbose=0)
    assert data.epoch == 3  # a later fit goes on with new draws


def test_dynamic_binarization_bad_input():
    with pytest.raises(ValueError, match="batch_size=0"):
        DynamicBinarizationDataset(np.zeros((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match="one entry per sample"):
        DynamicBinarizationDataset(np.zeros((4, 2)), y=np.zeros(3))
    with pytest.raises(ValueError, match="value_range"):
        DynamicBinarizationDataset(np.full((4, 2), 3.0))
    with pytest.raises(ValueError, match="y=None"):
        DynamicBinarizationDataset(np.zeros((4, 2)), y=np.zeros(4), reconstruction_targets=True)
