import keras
import numpy as np
import pytest

from keras_gen.data import DeviceDataset


def test_device_dataset_serves_every_sample_once_per_epoch_on_the_device():
    x = np.arange(14, dtype="float64").reshape(7, 2)
    data = DeviceDataset(x, y=np.arange(7), batch_size=3, seed=1)
    assert len(data) == 3
    batch, labels = data[0]
    assert keras.backend.standardize_dtype(batch.dtype) == keras.config.floatx()
    epoch = [tuple(keras.ops.convert_to_numpy(part) for part in data[i]) for i in range(3)]
    rows = np.concatenate([b for b, _ in epoch])
    labels = np.concatenate([lab for _, lab in epoch])
    np.testing.assert_array_equal(rows[:, 0] // 2, labels)  # labels stay with their rows
    assert sorted(labels.tolist()) == list(range(7)) and labels.tolist() != list(range(7))
    data.set_epoch(1)
    again = np.concatenate([keras.ops.convert_to_numpy(data[i][1]) for i in range(3)])
    assert sorted(again.tolist()) == list(range(7)) and not np.array_equal(again, labels)
    whole = DeviceDataset(x, batch_size=3, shuffle=False, drop_remainder=True)
    assert len(whole) == 2
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(whole[1][0]), x[3:6])
    with pytest.raises(IndexError):
        whole[2]
    pixels = DeviceDataset(np.zeros((4, 3), "uint8"), batch_size=2, shuffle=False)
    assert keras.backend.standardize_dtype(pixels[0][0].dtype) == "uint8"  # a quarter of float32


def test_device_dataset_trains_with_fit():
    x = np.random.default_rng(0).random((32, 8)).astype("float32")
    data = DeviceDataset(x, y=x, batch_size=8, seed=0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(data, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert data.epoch == 3
    inputs_only = DeviceDataset(x, batch_size=8, seed=0)  # an unsupervised model's x alone
    assert len(model.predict(inputs_only, verbose=0)) == 32


def test_device_dataset_feeds_an_rbm_its_uint8_pixels():
    from keras_gen.models import RBM

    pixels = (np.random.default_rng(0).random((64, 12)) < 0.2).astype("uint8")
    pixels[:, :3] = 1  # a pattern the RBM can learn
    model = RBM(6, seed=0)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(DeviceDataset(pixels, batch_size=16, seed=0), epochs=4, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]


def test_device_dataset_bad_input():
    with pytest.raises(ValueError, match="batch_size=0"):
        DeviceDataset(np.zeros((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match="one entry per sample"):
        DeviceDataset(np.zeros((4, 2)), y=np.zeros(3))
    with pytest.raises(ValueError, match="at least one sample"):
        DeviceDataset(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="numeric"):
        DeviceDataset(np.array([["a"], ["b"]]))


def test_device_dataset_sends_growing_pieces_unchanged(monkeypatch):
    from keras_gen.data import device_dataset

    # Rows of 56 + 8 bytes: pieces of whole batches from 15 rows up to 60.
    monkeypatch.setattr(device_dataset, "FIRST_CHUNK_BYTES", 1000)
    monkeypatch.setattr(device_dataset, "CHUNK_BYTES", 4000)
    sent = []
    convert = keras.ops.convert_to_tensor
    monkeypatch.setattr(device_dataset.keras.ops, "convert_to_tensor",
                        lambda values, dtype=None: sent.append(len(values)) or convert(values, dtype))
    x = np.arange(300 * 7, dtype="float64").reshape(300, 7)
    data = DeviceDataset(x, y=np.arange(300), batch_size=5, shuffle=False)
    batches = [data[index] for index in range(len(data))]
    assert sent[:14:2] == [15, 30, 60, 60, 60, 60, 15]  # x and y of each piece
    served = np.concatenate([keras.ops.convert_to_numpy(batch[0]) for batch in batches])
    labels = np.concatenate([keras.ops.convert_to_numpy(batch[1]) for batch in batches])
    assert served.dtype == np.float32 and np.array_equal(served, x.astype("float32"))
    assert np.array_equal(labels, np.arange(300))


def test_device_dataset_trains_on_the_first_piece_while_the_rest_is_sent(monkeypatch):
    import threading

    from keras_gen.data import device_dataset

    monkeypatch.setattr(device_dataset, "FIRST_CHUNK_BYTES", 100)  # 12 rows of 8 bytes
    release, sent = threading.Event(), []
    convert = keras.ops.convert_to_tensor

    def slow_convert(values, dtype=None):
        if threading.current_thread().name.startswith("device_dataset") and sent:
            assert release.wait(60)  # every piece after the first waits here
        sent.append(len(values))
        return convert(values, dtype)

    monkeypatch.setattr(device_dataset.keras.ops, "convert_to_tensor", slow_convert)
    x = np.arange(200, dtype="float32").reshape(100, 2)
    data = DeviceDataset(x, batch_size=4, shuffle=True, seed=3)
    first = keras.ops.convert_to_numpy(data[0][0])
    assert sent == [12]  # batch 0 came from the first piece alone
    release.set()
    epochs = []
    for _epoch in range(2):
        rows = np.concatenate([keras.ops.convert_to_numpy(data[i][0]) for i in range(len(data))])
        # The batches Keras's own feed would build: x in this epoch's order.
        np.testing.assert_array_equal(rows, x[data.order(len(x))])
        epochs.append(rows)
        data.on_epoch_end()
    np.testing.assert_array_equal(first, epochs[0][:4])
    assert not np.array_equal(epochs[0], epochs[1])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(data.x), x)
