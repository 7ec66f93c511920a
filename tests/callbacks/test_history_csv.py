import csv

import keras
import numpy as np

from keras_gen.callbacks.history_csv import HistoryCSV


def _model(name):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name=name)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def _rows(path):
    with open(path) as handle:
        return list(csv.DictReader(handle))


class _ReadDuringTraining(keras.callbacks.Callback):
    def __init__(self, path):
        super().__init__()
        self.path, self.seen = path, []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(len(_rows(self.path)))


def test_every_epoch_is_on_disk_as_it_ends(tmp_path, backend):
    x, y = np.ones((16, 3), "float32"), np.zeros((16, 1), "float32")
    path = str(tmp_path / "history.csv")
    reader = _ReadDuringTraining(path)
    history = _model("net").fit(x, y, epochs=3, batch_size=8, verbose=0,
                                validation_data=(x, y), callbacks=[HistoryCSV(path), reader])
    assert reader.seen == [1, 2, 3]
    rows = _rows(path)
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    for key, values in history.history.items():
        np.testing.assert_allclose([float(row[key]) for row in rows], values, rtol=1e-6)


def test_stages_of_layer_by_layer_training_follow_each_other(tmp_path, backend):
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    record = HistoryCSV(str(tmp_path / "history.csv"))
    _model("layer_1").fit(x, y, epochs=2, verbose=0, callbacks=[record])
    _model("joint").fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[record])
    rows = _rows(record.path)
    assert [(row["stage"], row["epoch"]) for row in rows] == [
        ("layer_1", "1"), ("layer_1", "2"), ("joint", "1")]
    assert rows[0]["val_loss"] == "" and rows[2]["val_loss"] != ""
