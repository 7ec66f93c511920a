import keras
import numpy as np
import pytest

from keras_gen.export.converters import convert_onnx
from keras_gen.export.converters import convert_tflite
from keras_gen.export.runtime import load_runner

pytestmark = pytest.mark.backends("tensorflow", reason="in-process ONNX/TFLite conversion")


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_outputs_come_back_in_the_models_order_past_ten(fmt, tmp_path):
    # LiteRT names them output_0 ... output_11: a plain sort put output_10 third.
    z = keras.Input((2,), name="z")
    model = keras.Model(z, [keras.layers.Rescaling(float(i))(z) for i in range(12)])
    path = str(tmp_path / f"heads.{fmt}")
    (convert_onnx if fmt == "onnx" else convert_tflite)(model, path, [("z", (None, 2), "float32")])
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    outputs = load_runner(path)({"z": x})
    assert len(outputs) == 12
    for i, output in enumerate(outputs):
        np.testing.assert_allclose(output, i * x)
