import numpy as np
import pytest

from keras_gen.export import export_part
from keras_gen.export import load_runner
from keras_gen.export import sample_inputs
from keras_gen.export import verify
from keras_gen.export.converters import convert_onnx
from keras_gen.export.converters import convert_tflite
from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="converters run under TensorFlow (a subprocess from JAX)")


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
@pytest.mark.parametrize("builder", ["dcgan_generator", "conditional_generator", "resnet_generator"])
def test_default_artifacts_run_at_batch_1_and_7(builder, fmt, tmp_path, tensorflow_only):
    """LiteRT included: a dynamic batch signature needs no resize of a
    convolutional model (resizing a batch-1 one fails in XNNPack)."""
    import keras

    model, metadata = standins.BUILDERS[builder]()
    result = export_part(model, format=fmt, output=tmp_path)
    assert result["record"]["inputs"][0]["shape"][0] is None
    runner = load_runner(result["artifact"])
    inputs = sample_inputs(model, metadata, count=8, seed=3)
    for size in (1, 7, 1, 7):
        batch = {name: value[:size] for name, value in inputs.items()}
        outputs = runner.invoke(runner.prepare(batch))[0]
        keras_inputs = [batch[t.name] for t in model.inputs]
        reference = keras.ops.convert_to_numpy(model(keras_inputs if len(keras_inputs) > 1 else keras_inputs[0]))
        assert outputs.shape == reference.shape
        np.testing.assert_allclose(outputs, reference, atol=1e-4)
    row = verify(result["artifact"], model, metadata)
    assert row["passed"] and row["batch_sizes"] == [1, 7, 56], row


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_fixed_batch_on_request(fmt, tmp_path, tensorflow_only):
    model, metadata = standins.dcgan_generator()
    result = export_part(model, format=fmt, batch=1, output=tmp_path)
    assert result["record"]["inputs"][0]["shape"] == [1, 8] and result["record"]["batch"] == 1
    runner = load_runner(result["artifact"])
    assert runner.batch == 1
    assert runner(sample_inputs(model, metadata, count=3))[0].shape == (3, 16, 16, 1)  # one call each
    row = verify(result["artifact"], model, metadata, count=4)
    assert row["passed"] and row["batch_sizes"] == [1, 1, 1, 1]
    if fmt == "tflite":
        with pytest.raises(ValueError, match="fixed-batch artifact.*batch='dynamic'"):
            runner.prepare(sample_inputs(model, metadata, count=7))


@pytest.mark.backends("tensorflow", reason="in-process ONNX/TFLite conversion")
@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_outputs_come_back_in_the_models_order_past_ten(fmt, tmp_path):
    # LiteRT names them output_0 ... output_11: a plain sort put output_10 third.
    import keras

    z = keras.Input((2,), name="z")
    model = keras.Model(z, [keras.layers.Rescaling(float(i))(z) for i in range(12)])
    path = str(tmp_path / f"heads.{fmt}")
    (convert_onnx if fmt == "onnx" else convert_tflite)(model, path, [("z", (None, 2), "float32")])
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    outputs = load_runner(path)({"z": x})
    assert len(outputs) == 12
    for i, output in enumerate(outputs):
        np.testing.assert_allclose(output, i * x)
