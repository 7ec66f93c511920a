"""Runs exported artifacts: ONNX Runtime sessions and LiteRT interpreters."""

import numpy as np

__all__ = ["load_runner"]


class _OnnxRunner:
    def __init__(self, path, num_threads):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if num_threads:
            options.intra_op_num_threads = num_threads
            options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            path, options, providers=["CPUExecutionProvider"]
        )
        # A dynamic batch is a symbolic name (or None) in ONNX Runtime's shapes.
        batch = self.session.get_inputs()[0].shape[0]
        self.batch = batch if isinstance(batch, int) else None

    def prepare(self, inputs):
        return {name: np.ascontiguousarray(value) for name, value in inputs.items()}

    def invoke(self, feed):
        return self.session.run(None, feed)


def _output_position(name):
    suffix = name.rpartition("_")[2]
    return int(suffix) if suffix.isdigit() else -1


class _TFLiteRunner:
    def __init__(self, path, num_threads):
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=path, num_threads=num_threads or None)
        signature = self.interpreter._get_full_signature_list()["serving_default"]
        self.inputs = dict(signature["inputs"])
        # `output` or `output_0`, `output_1`, ...: in numeric order (a plain
        # sort puts `output_10` before `output_2`).
        self.outputs = [signature["outputs"][k]
                        for k in sorted(signature["outputs"], key=_output_position)]
        details = {d["index"]: d for d in self.interpreter.get_input_details()}
        self.batch = None if -1 in details[next(iter(self.inputs.values()))]["shape_signature"] else 1
        self.interpreter.allocate_tensors()
        self._shapes = {name: tuple(details[index]["shape"]) for name, index in self.inputs.items()}

    def prepare(self, inputs):
        shapes = {name: tuple(value.shape) for name, value in inputs.items()}
        if self.batch is not None and any(shape[0] != self.batch for shape in shapes.values()):
            # Resizing a fixed-batch model fails in LiteRT's XNNPack delegate
            # for convolutions: say what to do instead.
            raise ValueError(
                f"Expected a batch of {self.batch} for this fixed-batch artifact (export it with "
                f"batch='dynamic' for other sizes). Received: shapes {shapes}"
            )
        if shapes != self._shapes:
            for name, value in inputs.items():
                self.interpreter.resize_tensor_input(self.inputs[name], value.shape)
            self.interpreter.allocate_tensors()
            self._shapes = shapes
        return [(self.inputs[name], np.ascontiguousarray(value)) for name, value in inputs.items()]

    def invoke(self, feed):
        for index, value in feed:
            self.interpreter.set_tensor(index, value)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(index) for index in self.outputs]


class Runner:
    """Runs one artifact on dicts of named input arrays.

    `prepare(inputs)` then `invoke(prepared)` run one call (what latency
    times); `__call__` runs any number of samples, in one call for a
    dynamic-batch artifact and one at a time for a fixed batch of 1.
    `batch` is that fixed batch, or None.
    """

    def __init__(self, path, num_threads=None):
        if path.endswith(".onnx"):
            self._runner = _OnnxRunner(path, num_threads)
        elif path.endswith(".tflite"):
            self._runner = _TFLiteRunner(path, num_threads)
        else:
            raise ValueError(f"Expected an .onnx or .tflite artifact. Received: path={path!r}")
        self.prepare = self._runner.prepare
        self.invoke = self._runner.invoke
        self.batch = self._runner.batch

    def __call__(self, inputs):
        count = len(next(iter(inputs.values())))
        if self._runner.batch is None:
            return self.invoke(self.prepare(inputs))
        results = [
            self.invoke(self.prepare({k: v[i : i + 1] for k, v in inputs.items()}))
            for i in range(count)
        ]
        return [np.concatenate(parts) for parts in zip(*results)]


def load_runner(path, num_threads=None):
    """Returns a `Runner` for an `.onnx` or `.tflite` file.

    Args:
        path: the artifact.
        num_threads: CPU threads for the runtime (`None`: its default).

    Returns:
        A callable mapping `{input_name: array}` to a list of output arrays.

    Example:

    >>> import os, tempfile
    >>> import onnx
    >>> from onnx import TensorProto
    >>> from onnx import helper
    >>> graph = helper.make_graph(  # an artifact computing tanh, as export_part would write
    ...     [helper.make_node("Tanh", ["z"], ["output"])], "tanh",
    ...     [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 4])],
    ...     [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])])
    >>> path = os.path.join(tempfile.mkdtemp(), "generator.onnx")
    >>> onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    >>> runner = load_runner(path)
    >>> outputs = runner({"z": np.full((3, 4), 0.5, "float32")})  # one call per sample
    >>> len(outputs), outputs[0].shape, round(float(outputs[0][0, 0]), 4)
    (1, (3, 4), 0.4621)
    """
    return Runner(path, num_threads)
