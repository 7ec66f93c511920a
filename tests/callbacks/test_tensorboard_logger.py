
import keras
import numpy as np
import pytest

from keras_gen.callbacks.tensorboard_logger import TensorBoardLogger

pytest.importorskip("tensorboard")


def _events(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(folder, size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    return accumulator


def test_scalars_and_pictures_readable_by_tensorboard(tmp_path, backend):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)], name="first")
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((8, 4)).astype("float32")
    logger = TensorBoardLogger(str(tmp_path), every=2, scale=3,
                               images=lambda m: m.predict(x, verbose=0).reshape(8, 2, 2, 1))
    model.fit(x, x, epochs=3, verbose=0, validation_data=(x, x), callbacks=[logger])
    second = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)], name="second")
    second.compile(optimizer="sgd", loss="mse")
    second.fit(x, x, epochs=1, verbose=0, callbacks=[logger])  # the steps go on
    train, validation = _events(str(tmp_path / "train")), _events(str(tmp_path / "validation"))
    assert [event.step for event in train.Scalars("loss")] == [1, 2, 3, 4]
    assert [event.step for event in validation.Scalars("loss")] == [1, 2, 3]
    assert [event.step for event in train.Images("samples")] == [2, 3, 4]
    picture = train.Images("samples")[0]
    assert (picture.width, picture.height) == (30, 30)  # 3x3 grid of 2x2 tiles, 1 px apart, x3


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="images"):
        TensorBoardLogger(str(tmp_path), images="samples")
    with pytest.raises(ValueError, match="every"):
        TensorBoardLogger(str(tmp_path), every=0)
