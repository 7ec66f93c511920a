"""Finds the exportable parts of a target: a model, a `.keras` file or a run folder."""

import hashlib
import os

import numpy as np

__all__ = ["PART_NAMES", "resolve_parts", "select_part", "source_hash"]

PART_NAMES = ("generator", "decoder", "encoder", "features", "binary_codes")


def _is_keras_model(value):
    import keras

    return isinstance(value, keras.Model)


def _is_generative_model(value):
    from keras_gen.models.generative_model import GenerativeModel

    return isinstance(value, GenerativeModel)


def _default_metadata(model):
    return {
        "inputs": {
            tensor.name: {"range": None, "distribution": "normal", "description": ""}
            for tensor in model.inputs
        },
        "output_range": None,
    }


def _check_part(name, model, metadata):
    if not _is_keras_model(model) or not getattr(model, "inputs", None):
        raise ValueError(
            f"Expected part {name!r} to be a functional Keras model with defined inputs. "
            f"Received: {type(model).__name__}"
        )
    if not isinstance(metadata, dict) or not isinstance(metadata.get("inputs", {}), dict):
        raise ValueError(
            f"Expected the metadata of part {name!r} to be a dict with an `inputs` dict. "
            f"Received: metadata={metadata!r}"
        )
    names = [tensor.name for tensor in model.inputs]
    for tensor in model.inputs:
        if any(dim is None for dim in tuple(tensor.shape)[1:]):
            raise ValueError(
                f"Expected part {name!r} to have static input shapes (batch may be None). "
                f"Received: input {tensor.name!r} of shape {tuple(tensor.shape)}"
            )
    merged = _default_metadata(model)
    for key, value in metadata.get("inputs", {}).items():
        if key not in names:
            raise ValueError(
                f"Expected the metadata of part {name!r} to describe its inputs {names}. "
                f"Received: metadata input {key!r}"
            )
        merged["inputs"][key].update(value)
    merged["output_range"] = metadata.get("output_range")
    if "source_class" in metadata:
        merged["source_class"] = metadata["source_class"]
    return model, merged


def _load_path(path):
    from keras_gen.models import load_model

    if os.path.isdir(path):
        model_path = os.path.join(path, "model.keras")
        if not os.path.isfile(model_path):
            raise ValueError(
                f"Expected `target` to be a run folder holding model.keras. Received: "
                f"target={path!r} (no model.keras inside)"
            )
        path = model_path
    elif not path.endswith(".keras"):
        raise ValueError(
            f"Expected `target` to be a .keras file or a run folder. Received: target={path!r}"
        )
    try:
        return load_model(path, compile=False), path
    except ValueError:
        raise
    except Exception as error:
        raise ValueError(
            f"Expected `target` to be a keras-gen .keras file. Received: target={path!r}, "
            f"which does not load ({type(error).__name__}: {error})"
        ) from error


def resolve_parts(target, part=None):
    """Returns the exportable parts of `target` and the file it came from.

    Args:
        target: a `keras_gen.models.GenerativeModel` (its `export_parts()`),
            a plain `keras.Model` (its only part is the model itself, named
            `part` or `"generator"`), a path to a `.keras` file, or a run
            folder made by `keras-gen train` (its `model.keras` is used).
        part: the name to give a plain model's only part.

    Returns:
        `(parts, source_path)`: `parts` maps part names to
        `(keras_model, metadata)`; `source_path` is the `.keras` file read,
        or `None` for an in-memory target.

    Example:

    >>> import tempfile
    >>> import keras
    >>> z = keras.Input((4,), name="z")
    >>> model = keras.Model(z, keras.layers.Dense(3, activation="tanh")(z))
    >>> parts, source_path = resolve_parts(model)
    >>> sorted(parts), source_path
    (['generator'], None)
    >>> part, metadata = parts["generator"]
    >>> metadata["inputs"]
    {'z': {'range': None, 'distribution': 'normal', 'description': ''}}
    >>> path = os.path.join(tempfile.mkdtemp(), "decoder.keras")
    >>> model.save(path)
    >>> parts, source_path = resolve_parts(path, part="decoder")
    >>> sorted(parts), source_path == path
    (['decoder'], True)
    """
    source_path = None
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        if not os.path.exists(path):
            raise ValueError(f"Expected `target` to be an existing path. Received: target={path!r}")
        target, source_path = _load_path(path)
    if _is_generative_model(target):
        parts = target.export_parts()
        if not isinstance(parts, dict) or not parts:
            raise ValueError(
                f"Expected `{type(target).__name__}.export_parts()` to return a non-empty dict "
                f"{{part_name: (model, metadata)}}. Received: {parts!r}"
            )
        resolved = {}
        for name, value in parts.items():
            if not (isinstance(value, tuple) and len(value) == 2):
                raise ValueError(
                    f"Expected part {name!r} to be a (keras_model, metadata) tuple. "
                    f"Received: {type(value).__name__}"
                )
            resolved[name] = _check_part(name, *value)
            resolved[name][1].setdefault("source_class", type(target).__name__)
        return resolved, source_path
    if _is_keras_model(target):
        name = part or "generator"
        return {name: _check_part(name, target, {"source_class": type(target).__name__})}, source_path
    raise ValueError(
        "Expected `target` to be a keras_gen.models.GenerativeModel, a keras.Model, a .keras "
        f"file or a run folder. Received: target of type {type(target).__name__}"
    )


def select_part(parts, part):
    """Returns `(name, model, metadata)` for `part` (`None`: the only or first part).

    Args:
        parts: the dict of `resolve_parts`.
        part: a part name, or `None`.

    Returns:
        `(name, keras_model, metadata)`.

    Example:

    >>> import keras
    >>> z = keras.Input((4,), name="z")
    >>> model = keras.Model(z, keras.layers.Dense(3)(z))
    >>> parts, _ = resolve_parts(model)
    >>> name, part_model, metadata = select_part(parts, None)
    >>> name, part_model is model
    ('generator', True)
    """
    if part is None:
        part = next(iter(parts))
    if part not in parts:
        raise ValueError(
            f"Expected `part` to be one of the model's parts {sorted(parts)}. Received: part={part!r}"
        )
    return (part,) + tuple(parts[part])


def source_hash(model, source_path=None):
    """sha256 of the `.keras` file when there is one, else of the part's weights."""
    digest = hashlib.sha256()
    if source_path is not None:
        with open(source_path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return {"algorithm": "sha256", "of": "keras_file", "value": digest.hexdigest()}
    for weight in model.get_weights():
        weight = np.ascontiguousarray(weight)
        digest.update(str((weight.shape, weight.dtype.str)).encode())
        digest.update(weight.tobytes())
    return {"algorithm": "sha256", "of": "weights", "value": digest.hexdigest()}
