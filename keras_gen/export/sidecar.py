"""The `*.json` sidecar written next to every artifact, read by the apps."""

import json
import os

__all__ = ["sidecar_path", "build_sidecar", "write_sidecar", "read_sidecar"]


def sidecar_path(artifact):
    """`generator.onnx` → `generator.onnx.json`.

    Args:
        artifact: path of an `.onnx` or `.tflite` file.

    Returns:
        The path of its sidecar, a string.

    Example:

    >>> sidecar_path("runs/dcgan/export/generator.onnx")
    'runs/dcgan/export/generator.onnx.json'
    """
    return os.fspath(artifact) + ".json"


def build_sidecar(part, model, metadata, specs, format, quantize, source_path, source_hash, extra=None):
    """Describes an artifact: what to feed it, what comes out, where it came from.

    Args:
        part: the part's name (`"generator"`, ...).
        model: the part's Keras model.
        metadata: the part's metadata (`{"inputs": {name: {...}},
            "output_range": ...}`, see `keras_gen.export.parts.resolve_parts`).
        specs: `[(name, shape, dtype)]` of the artifact's inputs
            (`keras_gen.export.inputs.input_specs`).
        format: `"onnx"` or `"tflite"`.
        quantize: the quantization written.
        source_path: the `.keras` file the part came from, or `None`.
        source_hash: the `keras_gen.export.parts.source_hash` record.
        extra: more keys to add (`size_bytes`, `opset`, `operators`, ...).

    Returns:
        A JSON-ready dict with `inputs` (name, shape with `null` for a
        dynamic batch, dtype, range, distribution, description), `outputs`
        (name, shape, dtype), `output_range`, `format`, `quantize`,
        `keras_gen_version`, `keras_version` and `source` (path, class and
        sha256 hash of the `.keras` file or of the weights).

    Example:

    >>> import keras
    >>> from keras_gen.export.inputs import input_specs
    >>> from keras_gen.export.parts import resolve_parts
    >>> from keras_gen.export.parts import source_hash
    >>> z = keras.Input((4,), name="z")
    >>> model = keras.Model(z, keras.layers.Dense(3, activation="tanh")(z))
    >>> metadata = resolve_parts(model)[0]["generator"][1]
    >>> record = build_sidecar("generator", model, metadata, input_specs(model, batch=None),
    ...                        "onnx", "none", None, source_hash(model), {"opset": 17})
    >>> record["inputs"][0]["shape"], record["outputs"]
    ([None, 4], [{'name': 'output', 'shape': [None, 3], 'dtype': 'float32'}])
    >>> record["source"]["class"], record["source"]["hash"]["of"], record["opset"]
    ('Functional', 'weights', 17)
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
    """Writes `record` as JSON to `path` (complete or not at all).

    Args:
        path: the sidecar's path (`sidecar_path(artifact)`).
        record: a JSON-ready dict (`build_sidecar`).

    Returns:
        `path`.

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "generator.onnx.json")
    >>> write_sidecar(path, {"part": "generator", "format": "onnx"}) == path
    True
    >>> print(open(path).read().strip())
    {
      "format": "onnx",
      "part": "generator"
    }
    """
    from keras_gen.utils import atomic_path

    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
            handle.write("\n")
    return path


def read_sidecar(artifact):
    """Reads the sidecar of `artifact` (the `.onnx`/`.tflite` path or the `.json` itself).

    Args:
        artifact: the artifact's path, or its sidecar's.

    Returns:
        The sidecar's dict (see `build_sidecar`).

    Example:

    >>> import tempfile
    >>> artifact = os.path.join(tempfile.mkdtemp(), "generator.tflite")
    >>> record = {"part": "generator", "inputs": [{"name": "z", "shape": [1, 64]}]}
    >>> _ = write_sidecar(sidecar_path(artifact), record)
    >>> read_sidecar(artifact)["inputs"][0]["shape"][1]  # the latent size
    64
    >>> read_sidecar(artifact + ".json") == record
    True
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
