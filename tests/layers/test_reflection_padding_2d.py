import keras
import numpy as np
import pytest

from keras_gen.layers.reflection_padding_2d import ReflectionPadding2D


def test_matches_numpy_reflect():
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    layer = ReflectionPadding2D((2, 1))
    out = keras.ops.convert_to_numpy(layer(x))
    expected = np.pad(x, [(0, 0), (2, 2), (1, 1), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(out, expected)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None, 9, 8, 3)


def test_channels_first():
    x = np.arange(2 * 3 * 4 * 4, dtype="float32").reshape(2, 3, 4, 4)
    out = keras.ops.convert_to_numpy(ReflectionPadding2D(1, data_format="channels_first")(x))
    np.testing.assert_array_equal(out, np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)], mode="reflect"))


def test_round_trip_in_a_model(tmp_path):
    inputs = keras.Input((8, 8, 2))
    outputs = keras.layers.Conv2D(3, 3)(ReflectionPadding2D(1)(inputs))
    model = keras.Model(inputs, outputs)
    assert model.output_shape == (None, 8, 8, 3)
    path = str(tmp_path / "pad.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 2)).astype("float32")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(restored(x))
    )


def test_bad_arguments():
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(-1)
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="data_format"):
        ReflectionPadding2D(1, data_format="nhwc")
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(4)(np.zeros((1, 4, 4, 1), "float32"))
