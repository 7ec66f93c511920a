import os

import keras
import numpy as np
from PIL import Image

from keras_gen.callbacks.training_curves import TrainingCurves


def test_drawn_during_training_and_complete_at_the_end(tmp_path, backend):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    path = str(tmp_path / "curves.png")
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(os.path.isfile(path))

    curves = TrainingCurves(path)
    model.fit(x, y, epochs=3, verbose=0, validation_data=(x, y), callbacks=[curves, Watch()])
    assert seen == [True, True, True]  # there from the first epoch on
    assert curves._drawn == 3  # and showing every epoch once fit is over
    assert Image.open(path).size == (1200, 300)  # loss, mae, mse: three panels in a row
    second = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)], name="second")
    second.compile(optimizer="sgd", loss="mse")
    second.fit(x, y, epochs=1, verbose=0, callbacks=[curves])  # a second stage
    assert [stage for stage, _ in curves.rows] == [0, 0, 0, 1] and curves._drawn == 4
    width, height = Image.open(path).size
    assert width <= 1200 and height <= 900


def test_short_epochs_are_drawn_less_often(tmp_path, monkeypatch):
    import keras_gen.callbacks.training_curves as module

    clock = [0.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    curves = TrainingCurves(str(tmp_path / "curves.png"))
    curves._stages = ["model"]
    drawn = []

    def draw():
        clock[0] += 1.0  # drawing takes a second
        drawn.append(len(curves.rows))

    monkeypatch.setattr(curves, "draw", draw)
    for epoch in range(25):  # epochs of a second each
        clock[0] += 1.0
        curves.on_epoch_end(epoch, {"loss": 1.0})
    assert drawn == [1, 10, 19]  # drawing takes one second in ten
