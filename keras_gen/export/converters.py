"""Keras part → ONNX / TFLite file, with quantization. Runs on the TensorFlow backend.

TensorFlow, tf2onnx and onnxruntime are imported here, inside the functions,
so importing keras_gen never pulls them in.
"""

import contextlib
import logging
import os
import tempfile

import numpy as np

__all__ = ["ONNX_OPSET", "convert_onnx", "convert_tflite", "output_names", "saved_model", "tflite_operators"]

ONNX_OPSET = 17


def output_names(model):
    """Names given to the artifact's outputs: `output` or `output_0`, `output_1`, ..."""
    count = len(model.outputs)
    return ["output"] if count == 1 else [f"output_{i}" for i in range(count)]


def _tf_specs(specs):
    import tensorflow as tf

    return [tf.TensorSpec(shape, dtype, name=name) for name, shape, dtype in specs]


def _serving_function(model):
    names = output_names(model)

    def serve(*inputs):
        outputs = model(list(inputs) if len(inputs) > 1 else inputs[0], training=False)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return dict(zip(names, outputs))

    return serve


def _rename_onnx_outputs(onnx_model, names):
    renames = {output.name: name for output, name in zip(onnx_model.graph.output, names)}
    for node in onnx_model.graph.node:
        node.output[:] = [renames.get(n, n) for n in node.output]
        node.input[:] = [renames.get(n, n) for n in node.input]
    for output in onnx_model.graph.output:
        output.name = renames[output.name]


def _onnx_float16_weights(onnx_model):
    """Stores float weights as float16, cast back to float32 when loaded.

    ONNX Runtime folds the casts at session start, so the file halves while
    the arithmetic stays float32 (like TFLite's float16 weight quantization
    on CPUs without float16 kernels).
    """
    import onnx
    from onnx import numpy_helper

    graph = onnx_model.graph
    kept = []
    for initializer in list(graph.initializer):
        if initializer.data_type != onnx.TensorProto.FLOAT:
            kept.append(initializer)
            continue
        values = numpy_helper.to_array(initializer)
        half = numpy_helper.from_array(values.astype(np.float16), initializer.name + "_float16")
        kept.append(half)
        graph.node.insert(
            0,
            onnx.helper.make_node(
                "Cast", [half.name], [initializer.name], to=onnx.TensorProto.FLOAT,
                name=initializer.name + "_cast",
            ),
        )
    del graph.initializer[:]
    graph.initializer.extend(kept)


class _CalibrationReader:
    def __init__(self, representative):
        count = len(next(iter(representative.values())))
        self._samples = iter(
            [{k: v[i : i + 1] for k, v in representative.items()} for i in range(count)]
        )

    def get_next(self):
        return next(self._samples, None)


def convert_onnx(model, path, specs, quantize="none", representative=None, opset=ONNX_OPSET):
    """Writes `model` as ONNX to `path` (via tf2onnx; named inputs and outputs).

    Args:
        model: the part's Keras model (TensorFlow backend).
        path: the file to write.
        specs: `[(name, shape, dtype)]` of the inputs (batch 1 or None).
        quantize: `"none"`, `"float16"` (float16 weights), `"dynamic"`
            (int8 weights, onnxruntime dynamic quantization) or `"int8"`
            (static QDQ int8 calibrated on `representative`).
        representative: dict of calibration inputs (for `"int8"`).
        opset: the ONNX opset.

    Returns:
        `path`.
    """
    import onnx

    with tempfile.TemporaryDirectory() as folder:
        float_path = os.path.join(folder, "float.onnx")
        signature = _tf_specs(specs)
        model.export(
            float_path, format="onnx", verbose=False, opset_version=opset,
            input_signature=[signature] if len(signature) > 1 else signature,
        )
        onnx_model = onnx.load(float_path)
        _rename_onnx_outputs(onnx_model, output_names(model))
        if quantize == "float16":
            _onnx_float16_weights(onnx_model)
        if quantize in ("none", "float16"):
            onnx.save(onnx_model, path)
            return path
        onnx.save(onnx_model, float_path)
        from onnxruntime import quantization

        # onnxruntime logs a "consider pre-processing" hint on every call.
        logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
        if quantize == "dynamic":
            quantization.quantize_dynamic(float_path, path, weight_type=quantization.QuantType.QInt8)
        else:
            quantization.quantize_static(
                float_path, path, _CalibrationReader(representative),
                quant_format=quantization.QuantFormat.QDQ, per_channel=True,
                activation_type=quantization.QuantType.QInt8,
                weight_type=quantization.QuantType.QInt8,
            )
    return path


def _conversion_message(error):
    text = str(error)
    for line in text.splitlines():
        if line.strip().startswith("TF Select ops:"):
            return (
                "Expected a part made of TFLite builtin operators; it needs TensorFlow "
                f"fallback (Flex) ops, which the plain LiteRT interpreter cannot run: "
                f"{line.split(':', 1)[1].strip()}"
            )
    return f"TFLite conversion failed: {type(error).__name__}: {text.strip()[:2000]}"


@contextlib.contextmanager
def saved_model(model, specs):
    """Writes `model`'s inference call as a temporary SavedModel; yields its folder.

    The TFLite converter reads Keras 3 weights correctly from a SavedModel
    (unlike `from_concrete_functions`); one SavedModel serves every
    quantization of a part.
    """
    import keras

    with tempfile.TemporaryDirectory() as folder:
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint("serve", _serving_function(model), input_signature=_tf_specs(specs))
        archive.write_out(folder, verbose=False)
        yield folder


def convert_tflite(model, path, specs, quantize="none", representative=None, saved_model_dir=None):
    """Writes `model` as TFLite to `path`: SavedModel, then the TFLite converter.

    Only TFLite builtin operators are allowed (never TensorFlow fallback
    "Flex" operators, which the plain interpreter cannot run): a model that
    needs them fails to convert, naming the operators.

    Args:
        model: the part's Keras model (TensorFlow backend).
        path: the file to write.
        specs: `[(name, shape, dtype)]` of the inputs.
        quantize: `"none"`, `"float16"` (float16 weights), `"dynamic"` (int8
            weights, float activations) or `"int8"` (full-integer: int8
            weights and activations calibrated on `representative`; float
            inputs and outputs, quantized inside the graph).
        representative: dict of calibration inputs (for `"int8"`).
        saved_model_dir: a `saved_model(model, specs)` folder to reuse.

    Returns:
        `path`.
    """
    import tensorflow as tf

    if saved_model_dir is None:
        with saved_model(model, specs) as folder:
            return convert_tflite(model, path, specs, quantize, representative, folder)
    converter = tf.lite.TFLiteConverter.from_saved_model(saved_model_dir)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantize != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantize == "int8":
        count = len(next(iter(representative.values())))

        def samples():
            for i in range(count):
                yield {k: v[i : i + 1] for k, v in representative.items()}

        converter.representative_dataset = samples
        # Operators without an int8 kernel stay float rather than failing.
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS,
        ]
    try:
        content = converter.convert()
    except Exception as error:
        raise ValueError(_conversion_message(error)) from error
    with open(path, "wb") as handle:
        handle.write(content)
    return path


def tflite_operators(path):
    """Returns the sorted operator names used by a `.tflite` file (Flex ops start with "Flex")."""
    from ai_edge_litert import schema_py_generated as schema

    with open(path, "rb") as handle:
        model = schema.Model.GetRootAsModel(handle.read(), 0)
    names = {value: key for key, value in vars(schema.BuiltinOperator).items() if key.isupper()}
    operators = set()
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if code.CustomCode():
            operators.add(code.CustomCode().decode())
        else:
            operators.add(names.get(builtin, str(builtin)))
    return sorted(operators)
