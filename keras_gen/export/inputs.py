"""Inputs of an exported part: specs, fixed test inputs and representative data."""

import os

import numpy as np

__all__ = ["input_specs", "sample_inputs", "load_representative"]

# Default value ranges per input distribution when the metadata gives none.
_DEFAULT_RANGES = {"uniform": (-1.0, 1.0), "image": (0.0, 1.0), "binary": (0.0, 1.0)}
# Calibration draws: enough for stable int8 ranges, few enough to convert fast.
REPRESENTATIVE_COUNT = 128


def input_specs(model, batch=1):
    """Returns `[(name, shape, dtype)]` of `model`'s inputs; `batch` is 1 or None.

    Args:
        model: a functional Keras model.
        batch: the batch size to write into the shapes: `1` or `None`
            (dynamic).

    Returns:
        A list of `(name, shape, dtype)` tuples, one per input.

    Example:

    >>> import keras
    >>> z, label = keras.Input((4,), name="z"), keras.Input((10,), name="label")
    >>> model = keras.Model([z, label], keras.layers.Concatenate()([z, label]))
    >>> input_specs(model)
    [('z', (1, 4), 'float32'), ('label', (1, 10), 'float32')]
    >>> input_specs(model, batch=None)[0]
    ('z', (None, 4), 'float32')
    """
    return [
        (tensor.name, (batch,) + tuple(tensor.shape)[1:], str(tensor.dtype))
        for tensor in model.inputs
    ]


def _sample(spec, info, count, rng):
    _, shape, dtype = spec
    shape = (count,) + tuple(shape[1:])
    distribution = info.get("distribution") or "normal"
    value_range = info.get("range")
    if distribution == "label":
        lo, hi = value_range if value_range is not None else (0, 9)
        if np.issubdtype(np.dtype(dtype), np.integer):
            return rng.integers(int(lo), int(hi) + 1, size=shape).astype(dtype)
        # A float label input is one-hot over its last axis.
        codes = rng.integers(0, shape[-1], size=shape[:-1])
        return np.eye(shape[-1], dtype=dtype)[codes]
    if distribution == "binary":
        return (rng.random(shape) < 0.5).astype(dtype)
    if distribution == "normal":
        values = rng.standard_normal(shape)
        if value_range is not None:
            values = np.clip(values, *value_range)
        return values.astype(dtype)
    lo, hi = value_range if value_range is not None else _DEFAULT_RANGES.get(distribution, (-1.0, 1.0))
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def sample_inputs(model, metadata, count=64, seed=0):
    """Draws `count` inputs for `model` from the distributions in `metadata`.

    Args:
        model: the part's Keras model.
        metadata: the part's metadata (`{"inputs": {name: {"range",
            "distribution"}}}`): normal noise (clipped to its range), uniform
            noise or images in their range, binary codes, integer or one-hot
            labels.
        count: how many inputs.
        seed: seed of the draw (the same seed gives the same inputs).

    Returns:
        A dict mapping input names to arrays of shape `(count, ...)`.

    Example:

    >>> import keras
    >>> z = keras.Input((4,), name="z")
    >>> model = keras.Model(z, keras.layers.Dense(3)(z))
    >>> metadata = {"inputs": {"z": {"distribution": "uniform", "range": [0.0, 1.0]}}}
    >>> inputs = sample_inputs(model, metadata, count=8, seed=0)
    >>> inputs["z"].shape, inputs["z"].dtype, bool(inputs["z"].min() >= 0.0)
    ((8, 4), dtype('float32'), True)
    >>> bool(np.array_equal(inputs["z"], sample_inputs(model, metadata, count=8, seed=0)["z"]))
    True
    """
    rng = np.random.default_rng(seed)
    return {
        spec[0]: _sample(spec, metadata["inputs"].get(spec[0], {}), count, rng)
        for spec in input_specs(model)
    }


def _read_arrays(path, names):
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected `representative_data` to be an existing .npy/.npz file. "
            f"Received: representative_data={path!r}"
        )
    if path.endswith(".npy"):
        return {names[0]: np.load(path)} if len(names) == 1 else np.load(path)
    if not path.endswith(".npz"):
        raise ValueError(
            f"Expected `representative_data` to be a .npy or .npz file. "
            f"Received: representative_data={path!r}"
        )
    with np.load(path) as archive:
        if all(name in archive.files for name in names):
            return {name: archive[name] for name in names}
        if len(names) == 1 and len(archive.files) == 1:
            return {names[0]: archive[archive.files[0]]}
        raise ValueError(
            f"Expected the .npz representative data to hold arrays named {names}. "
            f"Received: representative_data={path!r} with arrays {archive.files}"
        )


def load_representative(data, model, metadata, seed=1):
    """Returns representative inputs for full-integer calibration.

    Args:
        data: `"latent"` (draw from each input's metadata distribution: for
            noise- or code-driven parts; image inputs need real images), a
            path to a `.npy` (one input) or `.npz` (arrays named after the
            inputs) file, an array (one input) or a dict of arrays.
        model: the part's Keras model.
        metadata: the part's metadata.
        seed: seed of the `"latent"` draw (not 0, which `verify` uses for its
            fixed inputs, so int8 is never calibrated on its test inputs).

    Returns:
        A dict mapping input names to arrays, checked against the inputs'
        shapes and ranges.

    Example:

    >>> import keras
    >>> z = keras.Input((4,), name="z")
    >>> generator = keras.Model(z, keras.layers.Dense(3)(z))
    >>> metadata = {"inputs": {"z": {"distribution": "normal", "range": None}}}
    >>> load_representative("latent", generator, metadata)["z"].shape
    (128, 4)
    >>> load_representative(np.zeros((5, 4), "float32"), generator, metadata)["z"].shape
    (5, 4)
    """
    specs = input_specs(model)
    names = [spec[0] for spec in specs]
    if isinstance(data, str) and data == "latent":
        images = [n for n in names if metadata["inputs"][n].get("distribution") == "image"]
        if images:
            raise ValueError(
                f"Expected real images as `representative_data` for image inputs {images}. "
                "Received: representative_data='latent'"
            )
        return sample_inputs(model, metadata, REPRESENTATIVE_COUNT, seed)
    if isinstance(data, (str, os.PathLike)):
        data = _read_arrays(os.fspath(data), names)
    if isinstance(data, np.ndarray) and len(names) == 1:
        data = {names[0]: data}
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        raise ValueError(
            f"Expected `representative_data` for the inputs {names}. "
            f"Received: {type(data).__name__}"
            + (f" with keys {sorted(data)}" if isinstance(data, dict) else "")
        )
    checked = {}
    for name, shape, dtype in specs:
        array = np.asarray(data[name])
        if array.ndim != len(shape) or tuple(array.shape[1:]) != tuple(shape[1:]) or not len(array):
            raise ValueError(
                f"Expected representative data for input {name!r} of shape (N,) + "
                f"{tuple(shape[1:])}. Received: shape {array.shape}"
            )
        value_range = metadata["inputs"][name].get("range")
        if value_range is not None and metadata["inputs"][name].get("distribution") != "normal":
            lo, hi = value_range
            slack = 1e-3 * (hi - lo)
            if array.min() < lo - slack or array.max() > hi + slack:
                raise ValueError(
                    f"Expected representative data for input {name!r} in {list(value_range)}. "
                    f"Received: values in [{array.min()}, {array.max()}] (scale it like the "
                    "training data)"
                )
        checked[name] = array.astype(dtype)
    return checked
