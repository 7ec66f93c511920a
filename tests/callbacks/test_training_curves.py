import os

import keras
import numpy as np
from PIL import Image

from keras_gen.callbacks.training_curves import TrainingCurves


def test_redrawn_each_epoch_one_panel_per_metric(tmp_path, backend):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    path = str(tmp_path / "curves.png")
    stamps = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            stamps.append(os.stat(path).st_mtime_ns)

    curves = TrainingCurves(path)
    model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), callbacks=[curves, Watch()])
    assert len(stamps) == 2
    assert Image.open(path).size == (1200, 300)  # loss, mae, mse: three panels in a row
    second = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name="second")
    second.compile(optimizer="sgd", loss="mse")
    second.fit(x, y, epochs=1, verbose=0, callbacks=[curves])  # a second stage
    assert [stage for stage, _ in curves.rows] == [0, 0, 1]
    width, height = Image.open(path).size
    assert width <= 1200 and height <= 900
