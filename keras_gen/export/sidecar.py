"""The `*.json` sidecar written next to every artifact, read by the apps."""

import json
import os

__all__ = ["sidecar_path", "build_sidecar", "write_sidecar", "read_sidecar"]


def sidecar_path(artifact):
    """`generator.onnx` → `generator.onnx.json`."""
    return os.fspath(artifact) + ".json"


def build_sidecar(part, model, metadata, specs, format, quantize, source_path, source_hash, extra=None):
    """Describes an artifact: what to feed it, what comes out, where it came from.

    Returns:
        A JSON-ready dict with `inputs` (name, shape with `null` for a
        dynamic batch, dtype, range, distribution, description), `outputs`
        (name, shape, dtype), `output_range`, `format`, `quantize`,
        `keras_gen_version`, `keras_version` and `source` (path, class and
        sha256 hash of the `.keras` file or of the weights).
    """
    import keras

    from keras_gen import __version__
    from keras_gen.export.converters import output_names

    inputs = []
    for name, shape, dtype in specs:
        info = metadata["inputs"].get(name, {})
        inputs.append({
            "name": name, "shape": list(shape), "dtype": dtype,
            "range": info.get("range"), "distribution": info.get("distribution"),
            "description": info.get("description", ""),
        })
    outputs = [
        {"name": name, "shape": [specs[0][1][0]] + list(tensor.shape[1:]), "dtype": str(tensor.dtype)}
        for name, tensor in zip(output_names(model), model.outputs)
    ]
    record = {
        "part": part, "format": format, "quantize": quantize,
        "inputs": inputs, "outputs": outputs, "output_range": metadata.get("output_range"),
        "keras_gen_version": __version__, "keras_version": keras.__version__,
        "source": {
            "path": os.path.abspath(source_path) if source_path else None,
            "class": metadata.get("source_class", type(model).__name__),
            "hash": source_hash,
        },
    }
    record.update(extra or {})
    return record


def write_sidecar(path, record):
    """Writes `record` as JSON to `path` (complete or not at all)."""
    from keras_gen.utils import atomic_path

    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
            handle.write("\n")
    return path


def read_sidecar(artifact):
    """Reads the sidecar of `artifact` (the `.onnx`/`.tflite` path or the `.json` itself).

    Example:

    ```python
    info = read_sidecar("runs/dcgan/export/generator.tflite")
    latent_size = info["inputs"][0]["shape"][1]
    ```
    """
    path = os.fspath(artifact)
    path = path if path.endswith(".json") else sidecar_path(path)
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected an artifact with its sidecar {os.path.basename(path)!r} next to it. "
            f"Received: artifact={os.fspath(artifact)!r}"
        )
    with open(path) as handle:
        return json.load(handle)
