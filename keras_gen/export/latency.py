"""`latency`: batch-1 latency of a Keras part and of its exported artifacts."""

import os
import time

import numpy as np

__all__ = ["time_call", "latency"]


def time_call(function, runs=200, warmup=20, min_seconds=0.0):
    """Median and spread of `function()` wall time in milliseconds, after `warmup` calls.

    Runs at least `runs` timed calls and keeps going until `min_seconds`
    have passed (so very fast calls get enough samples).

    Args:
        function: the call to time, without arguments.
        runs: the least number of timed calls.
        warmup: untimed calls first.
        min_seconds: keep timing calls until this much time has passed.

    Returns:
        A dict: `median_ms`, `p10_ms`, `p90_ms` (10th and 90th
        percentiles) and `runs` (the number of timed calls).

    Example:

    >>> stats = time_call(lambda: sum(range(1000)), runs=10, warmup=2)
    >>> sorted(stats), stats["runs"]
    (['median_ms', 'p10_ms', 'p90_ms', 'runs'], 10)
    >>> stats["p10_ms"] <= stats["median_ms"] <= stats["p90_ms"]
    True
    """
    for _ in range(warmup):
        function()
    times = []
    start = time.perf_counter()
    while len(times) < runs or time.perf_counter() - start < min_seconds:
        begin = time.perf_counter()
        function()
        times.append(time.perf_counter() - begin)
    times = np.asarray(times) * 1e3
    return {"median_ms": float(np.median(times)), "p10_ms": float(np.percentile(times, 10)),
            "p90_ms": float(np.percentile(times, 90)), "runs": len(times)}


def latency(model, artifacts, inputs, runs=200, warmup=20, num_threads=1):
    """Batch-1 latency: Keras direct call and each artifact in its runtime.

    Args:
        model: the part's Keras model (timed as `model(x, training=False)`;
            `model.predict` is far slower per call and never a serving path).
        artifacts: paths of `.onnx`/`.tflite` artifacts (with sidecars).
        inputs: dict of input arrays; the first sample is used.
        runs: timed calls per runner (the median is reported).
        warmup: untimed calls first.
        num_threads: CPU threads for ONNX Runtime and LiteRT (1 gives
            stable figures on a shared machine).

    Returns:
        A list of dicts: `runner` (`keras`, or `onnxruntime`/`tflite` with
        the quantization), `artifact`, `size_bytes`, `median_ms`, `p10_ms`,
        `p90_ms`, `runs`.

    Example:

    >>> import tempfile
    >>> import keras
    >>> from keras_gen.export.sidecar import sidecar_path
    >>> from keras_gen.export.sidecar import write_sidecar
    >>> z = keras.Input((4,), name="z")
    >>> model = keras.Model(z, keras.layers.Activation("tanh")(z))
    >>> import onnx
    >>> from onnx import TensorProto
    >>> from onnx import helper
    >>> graph = helper.make_graph(  # an artifact computing tanh, as export_part would write
    ...     [helper.make_node("Tanh", ["z"], ["output"])], "tanh",
    ...     [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 4])],
    ...     [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])])
    >>> path = os.path.join(tempfile.mkdtemp(), "generator.onnx")
    >>> onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    >>> _ = write_sidecar(sidecar_path(path), {"format": "onnx", "quantize": "none"})
    >>> rows = latency(model, [path], {"z": np.zeros((1, 4), "float32")}, runs=5, warmup=1)
    >>> [(row["runner"], row["runs"]) for row in rows]
    [('keras', 5), ('onnxruntime', 5)]
    """
    import keras

    from keras_gen.export.runtime import load_runner
    from keras_gen.export.sidecar import read_sidecar

    sample = {name: value[:1] for name, value in inputs.items()}
    ordered = [sample[tensor.name] for tensor in model.inputs]
    keras_input = ordered if len(ordered) > 1 else ordered[0]
    if keras.backend.backend() == "tensorflow":
        # Imported here, on TensorFlow only: time the Keras call on tensors,
        # not on NumPy arrays converted inside every call.
        import tensorflow as tf

        keras_input = tf.nest.map_structure(tf.constant, keras_input)
    rows = [dict(runner="keras", artifact=None, size_bytes=None,
                 **time_call(lambda: model(keras_input, training=False), runs, warmup))]
    for artifact in artifacts:
        record = read_sidecar(artifact)
        runner = load_runner(str(artifact), num_threads)
        prepared = runner.prepare(sample)
        name = "onnxruntime" if record["format"] == "onnx" else "tflite"
        if record["quantize"] != "none":
            name += f" {record['quantize']}"
        rows.append(dict(runner=name, artifact=str(artifact), size_bytes=os.path.getsize(artifact),
                         **time_call(lambda runner=runner, prepared=prepared: runner.invoke(prepared), runs, warmup)))
    return rows
