"""`verify`: runs an artifact in its runtime and compares it with Keras."""

import numpy as np

__all__ = ["TOLERANCES", "MIN_PSNR", "verify", "format_table"]

# Largest accepted |artifact - Keras| for float artifacts, scaled by
# max(1, max |Keras output|) so unbounded outputs (encoder means) get the
# same relative precision as images in [-1, 1] or [0, 1].
TOLERANCES = {"none": 1e-4, "float16": 1e-2}
# Integer artifacts are judged on PSNR against Keras (images: 30 dB is the
# usual "visually indistinguishable" bar) or, for binary codes, on bit errors.
MIN_PSNR = 30.0
MAX_BIT_ERROR_RATE = 0.05
# A dynamic-batch artifact is run in calls of these sizes (the rest of the
# inputs in one last call), so one verify checks batch 1, 7 and a large batch.
BATCH_SIZES = (1, 7)


def _psnr(reference, value, peak):
    mse = float(np.mean((reference.astype("float64") - value) ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(peak**2 / mse))


def _keras_outputs(model, inputs):
    import keras

    names = [tensor.name for tensor in model.inputs]
    batch = [inputs[name] for name in names]
    outputs = model(batch if len(batch) > 1 else batch[0], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [keras.ops.convert_to_numpy(output) for output in outputs]


def _run_in_batches(runner, inputs, sizes):
    """Outputs of `inputs` run in consecutive calls of `sizes` samples, then one call for the rest."""
    count = len(next(iter(inputs.values())))
    bounds, start = [], 0
    for size in sizes:
        if start + size <= count:
            bounds.append((start, start + size))
            start += size
    if start < count:
        bounds.append((start, count))
    results = [runner.invoke(runner.prepare({k: v[a:b] for k, v in inputs.items()})) for a, b in bounds]
    return [np.concatenate(parts) for parts in zip(*results)], [b - a for a, b in bounds]


def verify(artifact, model=None, metadata=None, inputs=None, count=64, seed=0):
    """Compares an `.onnx`/`.tflite` artifact with its Keras part on fixed inputs.

    Inputs that are data (images, binary pixels) come from the test split of
    the data the part's run was trained on when the artifact came from a run
    folder and that data is on this machine (`run_data_inputs`); noise inputs,
    and parts without such a run, get seeded draws from their distributions.
    A dynamic-batch artifact is run at batch 1, then 7, then the rest at once;
    a fixed-batch one sample at a time.

    Args:
        artifact: path of the artifact (its `*.json` sidecar must be next to it).
        model: the part's Keras model (default: loaded from the sidecar's
            source `.keras` file).
        metadata: the part's metadata (default: from the sidecar).
        inputs: dict of input arrays (default: as above).
        count: number of inputs when `inputs` is None.
        seed: seed of the random draws.

    Returns:
        A dict: `artifact`, `format`, `quantize`, `inputs` (what was fed),
        `batch_sizes` (the calls made), `max_abs_diff`, `mean_abs_diff`, `psnr`
        (dB, peak = width of the output range), `bit_error_rate` (binary
        outputs), `flex_ops` (TFLite), `tolerance` and `passed`. A TFLite
        artifact with Flex ops never passes.

    Example:

    >>> import os, tempfile
    >>> import keras
    >>> from keras_gen.export.inputs import input_specs
    >>> from keras_gen.export.parts import resolve_parts
    >>> from keras_gen.export.sidecar import build_sidecar
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
    >>> metadata = resolve_parts(model)[0]["generator"][1]
    >>> record = build_sidecar("generator", model, metadata, input_specs(model), "onnx", "none",
    ...                        None, None)
    >>> _ = write_sidecar(sidecar_path(path), record)
    >>> row = verify(path, model)
    >>> row["passed"], row["tolerance"], row["max_abs_diff"] < 1e-6
    (True, 'max_abs_diff <= 0.0001', True)
    >>> row["inputs"], row["batch_sizes"][:3]
    ('random draws (seed 0), 64 samples', [1, 1, 1])
    """
    from keras_gen.export.converters import tflite_operators
    from keras_gen.export.inputs import run_data_inputs
    from keras_gen.export.inputs import sample_inputs
    from keras_gen.export.runtime import load_runner
    from keras_gen.export.sidecar import read_sidecar

    record = read_sidecar(artifact)
    if model is None:
        from keras_gen.export.parts import resolve_parts

        if not record["source"]["path"]:
            raise ValueError(
                f"Expected `model` for an artifact exported from an in-memory model. "
                f"Received: artifact={artifact!r}, model=None"
            )
        parts, _ = resolve_parts(record["source"]["path"], record["part"])
        model, metadata = parts[record["part"]]
    if metadata is None:
        metadata = {"inputs": {i["name"]: i for i in record["inputs"]},
                    "output_range": record["output_range"]}
    row = {"artifact": str(artifact), "part": record["part"], "format": record["format"],
           "quantize": record["quantize"], "size_bytes": record.get("size_bytes"), "flex_ops": []}
    if record["format"] == "tflite":
        row["flex_ops"] = [op for op in tflite_operators(str(artifact)) if op.startswith("Flex")]
    if row["flex_ops"]:
        # The plain LiteRT interpreter cannot run them: fail without running.
        nan = float("nan")
        return dict(row, max_abs_diff=nan, mean_abs_diff=nan, psnr=nan, passed=False,
                    tolerance="no Flex ops")
    if inputs is None:
        real = run_data_inputs(record["source"].get("path"), record["part"], model, metadata, count)
        if real is not None:
            inputs, row["inputs"] = real
        else:
            inputs = sample_inputs(model, metadata, count, seed)
            row["inputs"] = f"random draws (seed {seed}), {count} samples"
    else:
        row["inputs"] = f"given, {len(next(iter(inputs.values())))} samples"
    reference = _keras_outputs(model, inputs)
    runner = load_runner(str(artifact))
    if runner.batch is None:
        produced, row["batch_sizes"] = _run_in_batches(runner, inputs, BATCH_SIZES)
    else:
        produced = runner(inputs)
        row["batch_sizes"] = [runner.batch] * len(next(iter(inputs.values())))
    scale = max(1.0, max(float(np.abs(r).max()) for r in reference))
    diffs = [float(np.abs(r - p).max()) for r, p in zip(reference, produced)]
    row["max_abs_diff"] = max(diffs)
    row["mean_abs_diff"] = float(np.mean([np.abs(r - p).mean() for r, p in zip(reference, produced)]))
    output_range = record.get("output_range")
    peak = (output_range[1] - output_range[0]) if output_range else max(
        float(r.max() - r.min()) for r in reference) or 1.0
    row["psnr"] = min(_psnr(r, p, peak) for r, p in zip(reference, produced))
    binary = all(np.isin(r, (0, 1)).all() for r in reference)
    if binary:
        row["bit_error_rate"] = float(np.mean([np.mean(r != p) for r, p in zip(reference, produced)]))
    quantize = record["quantize"]
    if binary and quantize != "none":
        # A reduced-precision code may flip bits whose probability is ~0.5.
        row["tolerance"] = f"bit_error_rate <= {MAX_BIT_ERROR_RATE}"
        row["passed"] = row["bit_error_rate"] <= MAX_BIT_ERROR_RATE
    elif quantize in TOLERANCES:
        row["tolerance"] = f"max_abs_diff <= {TOLERANCES[quantize] * scale:.3g}"
        row["passed"] = row["max_abs_diff"] <= TOLERANCES[quantize] * scale
    else:
        row["tolerance"] = f"psnr >= {MIN_PSNR} dB"
        row["passed"] = row["psnr"] >= MIN_PSNR
    row["passed"] = bool(row["passed"] and all(np.isfinite(p).all() for p in produced))
    return row


def format_table(rows):
    """Formats verify rows as a fixed-width text table."""
    header = ("artifact", "format", "quantize", "size", "batches", "max_abs_diff", "psnr_db", "flex", "result")
    lines = [header]
    for row in rows:
        sizes = sorted(set(row.get("batch_sizes") or []))
        lines.append((
            row["artifact"].rsplit("/", 1)[-1], row["format"], row["quantize"],
            f"{(row.get('size_bytes') or 0) / 1024:.1f} KiB", ",".join(map(str, sizes)) or "-",
            f"{row['max_abs_diff']:.2e}",
            f"{row['psnr']:.1f}", ",".join(row["flex_ops"]) or "-",
            "PASS" if row["passed"] else f"FAIL ({row['tolerance']})",
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)
