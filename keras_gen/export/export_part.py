"""`export_part` / `export_model`: a part of a model → ONNX or TFLite artifact + sidecar."""

import contextlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

__all__ = ["FORMATS", "QUANTIZATIONS", "export_part", "export_model"]

FORMATS = {"onnx": ".onnx", "tflite": ".tflite"}
QUANTIZATIONS = ("none", "float16", "dynamic", "int8")


def _check_options(format, quantize, representative_data, batch, output):
    from keras_gen.utils import check_in

    check_in("format", format, tuple(FORMATS))
    check_in("quantize", quantize, QUANTIZATIONS)
    if str(batch) not in ("1", "dynamic", "None"):
        raise ValueError(f"Expected `batch` to be 1 or 'dynamic'. Received: batch={batch!r}")
    if quantize == "int8" and representative_data is None:
        raise ValueError(
            "Expected `representative_data` for quantize='int8' (full-integer calibration): "
            "'latent' for noise-driven parts, or a .npy/.npz of real inputs. "
            "Received: representative_data=None"
        )
    if output is not None:
        output = os.path.abspath(os.fspath(output))
        if not os.path.isdir(output):
            folder = os.path.dirname(output)
            if not os.path.isdir(folder):
                raise ValueError(
                    f"Expected `output` in an existing folder. Received: output={output!r} "
                    f"(folder {folder!r} does not exist)"
                )
            if not output.endswith(FORMATS[format]):
                raise ValueError(
                    f"Expected `output` to end with {FORMATS[format]!r} for format={format!r}. "
                    f"Received: output={output!r}"
                )
    return None if str(batch) in ("dynamic", "None") else 1


def _output_path(output, target, part, format, quantize):
    name = part + ("" if quantize == "none" else f"-{quantize}") + FORMATS[format]
    if output is not None:
        output = os.path.abspath(os.fspath(output))
        return os.path.join(output, name) if os.path.isdir(output) else output
    if isinstance(target, (str, os.PathLike)):
        target = os.path.abspath(os.fspath(target))
        if os.path.isdir(target):
            os.makedirs(os.path.join(target, "export"), exist_ok=True)
            return os.path.join(target, "export", name)
        stem = os.path.splitext(target)[0]
        return f"{stem}-{name}"
    raise ValueError(
        "Expected `output` (a file or an existing folder) when exporting an in-memory model. "
        "Received: output=None"
    )


def _custom_modules(model):
    modules = {type(layer).__module__ for layer in model._flatten_layers(include_self=True)}
    return sorted(m for m in modules if m.split(".")[0] not in ("keras", "builtins"))


def _write_in_tensorflow(plans):
    """Runs the conversions in a TensorFlow-backend process: the converters need TensorFlow.

    Each part is saved to `.keras` and loaded there (which is also how JAX-
    and torch-trained models reach TFLite); one process serves all `plans`.
    """
    with tempfile.TemporaryDirectory() as folder:
        saved, requests = {}, []
        for i, plan in enumerate(plans):
            model = plan["model"]
            if id(model) not in saved:
                saved[id(model)] = os.path.join(folder, f"part{len(saved)}.keras")
                model.save(saved[id(model)])
            data_path = None
            if plan["representative"] is not None:
                data_path = os.path.join(folder, f"representative{i}.npz")
                np.savez(data_path, **plan["representative"])
            request = {k: v for k, v in plan.items() if k not in ("model", "representative")}
            request.update(target=saved[id(model)], representative_data=data_path,
                           modules=_custom_modules(model))
            requests.append(request)
        environment = dict(os.environ, KERAS_BACKEND="tensorflow",
                           PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        completed = subprocess.run(
            [sys.executable, "-m", "keras_gen.export._tensorflow_worker", json.dumps(requests)],
            env=environment, capture_output=True, text=True,
        )
    lines = completed.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith(("{", "[")) else {}
    if completed.returncode != 0 or "error" in result:
        message = result.get("error") or "\n".join(completed.stderr.strip().splitlines()[-5:])
        raise ValueError(f"Export under the TensorFlow backend failed: {message}")
    return result


def _plan(target, part, format, quantize, representative_data, batch, output, opset, resolved=None,
          source=None):
    """Checks a request and resolves everything a conversion needs, before any work."""
    from keras_gen.export.converters import ONNX_OPSET
    from keras_gen.export.inputs import load_representative
    from keras_gen.export.parts import resolve_parts
    from keras_gen.export.parts import select_part
    from keras_gen.export.parts import source_hash

    batch = _check_options(format, quantize, representative_data, batch, output)
    parts, source_path = resolved or resolve_parts(target, part)
    part, model, metadata = select_part(parts, part)
    representative = None
    if quantize == "int8":
        representative = load_representative(representative_data, model, metadata)
    path = _output_path(output, target, part, format, quantize)
    source_path, hash_record = source or (source_path, source_hash(model, source_path))
    return {"part": part, "model": model, "metadata": metadata, "format": format,
            "quantize": quantize, "representative": representative, "batch": batch,
            "output": path, "opset": opset or ONNX_OPSET, "source_path": source_path,
            "source_hash": hash_record}


def _write(plan, saved_models=None):
    """Converts one planned part in this (TensorFlow-backend) process.

    `saved_models` (an `ExitStack` and a dict) shares one SavedModel among the
    TFLite quantizations of a part.
    """
    from keras_gen.export.converters import convert_onnx
    from keras_gen.export.converters import convert_tflite
    from keras_gen.export.converters import saved_model
    from keras_gen.export.converters import tflite_operators
    from keras_gen.export.inputs import input_specs
    from keras_gen.export.sidecar import build_sidecar
    from keras_gen.export.sidecar import sidecar_path
    from keras_gen.export.sidecar import write_sidecar
    from keras_gen.utils import atomic_path

    model, path, format = plan["model"], plan["output"], plan["format"]
    specs = input_specs(model, plan["batch"])
    sidecar = sidecar_path(path)
    with atomic_path(sidecar) as sidecar_tmp, atomic_path(path) as artifact_tmp:
        if format == "onnx":
            convert_onnx(model, artifact_tmp, specs, plan["quantize"], plan["representative"],
                         plan["opset"])
            extra = {"opset": plan["opset"]}
        else:
            folder = None
            if saved_models is not None:
                stack, folders = saved_models
                key = (id(model), plan["batch"])
                if key not in folders:
                    folders[key] = stack.enter_context(saved_model(model, specs))
                folder = folders[key]
            convert_tflite(model, artifact_tmp, specs, plan["quantize"], plan["representative"],
                           folder)
            operators = tflite_operators(artifact_tmp)
            flex = [op for op in operators if op.startswith("Flex")]
            if flex:
                raise ValueError(f"TFLite artifact needs TensorFlow fallback (Flex) ops {flex}")
            extra = {"operators": operators}
        extra.update(batch=plan["batch"] or "dynamic", artifact=os.path.basename(path),
                     size_bytes=os.path.getsize(artifact_tmp))
        record = build_sidecar(plan["part"], model, plan["metadata"], specs, format,
                               plan["quantize"], plan["source_path"], plan["source_hash"], extra)
        write_sidecar(sidecar_tmp, record)
    return {"artifact": path, "sidecar": sidecar, "size_bytes": record["size_bytes"], "record": record}


def _write_all(plans):
    import keras

    if keras.backend.backend() == "tensorflow":
        with contextlib.ExitStack() as stack:
            shared = (stack, {})
            return [_write(plan, shared) for plan in plans]
    return _write_in_tensorflow(plans)


def export_part(target, part=None, format="onnx", quantize="none", representative_data=None,
                batch=1, output=None, opset=None):
    """Exports one part of a model to ONNX or TFLite, with a JSON sidecar.

    The artifact and its `*.json` sidecar are written to temporary files and
    renamed into place, so a failed export leaves nothing behind. On the JAX
    and torch backends the export runs in a TensorFlow-backend subprocess that
    loads the model's `.keras` file.

    Args:
        target: a `keras_gen.models.GenerativeModel` (its `export_parts()`),
            a plain `keras.Model`, a `.keras` file or a run folder.
        part: `generator`, `decoder`, `encoder`, `features` or
            `binary_codes` (default: the model's first part).
        format: `"onnx"` or `"tflite"`.
        quantize: `"none"`, `"float16"`, `"dynamic"` or `"int8"`
            (full-integer; needs `representative_data`).
        representative_data: calibration inputs for `"int8"`: `"latent"`
            (drawn from the inputs' distributions), a `.npy`/`.npz` path, an
            array or a dict of arrays.
        batch: `1` (static, fastest) or `"dynamic"`.
        output: the artifact path or an existing folder (default: next to
            the `.keras` file, or `RUN/export/` for a run folder).
        opset: ONNX opset (default `ONNX_OPSET`).

    Returns:
        A dict with `artifact` (path), `sidecar` (path), `size_bytes` and
        `record` (the sidecar's content).

    Example:

    ```python
    result = export_part("runs/dcgan", part="generator", format="tflite",
                         quantize="int8", representative_data="latent")
    print(result["artifact"], result["size_bytes"])
    ```
    """
    plan = _plan(target, part, format, quantize, representative_data, batch, output, opset)
    return _write_all([plan])[0]


def export_model(target, formats=("onnx", "tflite"), quantizations=("none",), parts=None,
                 representative_data=None, batch=1, output=None):
    """Exports every part (or `parts`) of `target` in every format × quantization.

    Args:
        target: as in `export_part`.
        formats: formats to write.
        quantizations: quantizations to write.
        parts: part names (default: all of the model's parts).
        representative_data: calibration inputs for `"int8"` (`"latent"` or a
            dict `{part: data}`).
        batch: `1` or `"dynamic"`.
        output: an existing folder (default as in `export_part`).

    Returns:
        A list of `export_part` results.

    Example:

    ```python
    results = export_model("runs/vae", quantizations=("none", "int8"),
                           representative_data="latent")
    ```
    """
    from keras_gen.export.parts import resolve_parts

    if output is not None and not os.path.isdir(output):
        raise ValueError(
            f"Expected `output` to be an existing folder (several artifacts are written). "
            f"Received: output={os.fspath(output)!r}"
        )
    for format in formats:
        for quantize in quantizations:
            _check_options(format, quantize, representative_data, batch, output)
    resolved = resolve_parts(target)
    plans = []
    for name in parts or list(resolved[0]):
        data = representative_data.get(name) if isinstance(representative_data, dict) else representative_data
        for format in formats:
            for quantize in quantizations:
                plans.append(_plan(target, name, format, quantize,
                                   data if quantize == "int8" else None, batch, output, None,
                                   resolved=resolved))
    return _write_all(plans)
