"""Inputs of an exported part: specs, fixed test inputs and representative data."""

import os

import numpy as np

__all__ = ["input_specs", "sample_inputs", "run_data_inputs", "load_representative"]

# Default value ranges per input distribution when the metadata gives none.
_DEFAULT_RANGES = {"uniform": (-1.0, 1.0), "image": (0.0, 1.0), "binary": (0.0, 1.0)}
# Calibration draws: enough for stable int8 ranges, few enough to convert fast.
REPRESENTATIVE_COUNT = 128
# Inputs that are data (images, binary pixels) rather than noise: `verify`
# feeds them the run's own test split when it can, since random pixels miss
# what real pictures do to the activations (large flat areas, saturation).
DATA_DISTRIBUTIONS = ("image", "binary")


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


def _run_record(source_path):
    """`run.json`'s training arguments of the run folder holding `source_path` ({} if none)."""
    import json

    if not source_path:
        return {}
    path = os.path.join(os.path.dirname(os.path.abspath(source_path)), "run.json")
    try:
        with open(path) as handle:
            return (json.load(handle) or {}).get("args") or {}
    except (OSError, ValueError):
        return {}


def run_data_inputs(source_path, part, model, metadata, count=64, split="test"):
    """Real inputs for a data-driven part: the test split of the data its run was trained on.

    Used by `verify` for parts whose inputs are images or binary pixels
    (encoders, feature extractors, image-to-image generators) when the part
    came from a run folder whose `run.json` names its `--data`. The second
    array of a paired or unpaired archive feeds `generator_reverse` (and a
    Pix2Pix trained with `--reverse`).

    Args:
        source_path: the `.keras` file the part came from (a run's `model.keras`).
        part: the part's name.
        model: the part's Keras model (one input).
        metadata: the part's metadata.
        count: at most this many samples.
        split: `"test"` (what `verify` feeds) or `"train"` (int8 calibration).

    Returns:
        `(inputs, description)`, or None when the part is noise-driven, the
        run names no data, or the data cannot be read here.

    Example:

    >>> import keras
    >>> x = keras.Input((64,), name="x")
    >>> encoder = keras.Model(x, keras.layers.Dense(2)(x))
    >>> run_data_inputs(None, "encoder", encoder, {"inputs": {"x": {"distribution": "image"}}}) is None
    True
    """
    specs = input_specs(model)
    if len(specs) != 1:
        return None
    name, shape, dtype = specs[0]
    info = metadata["inputs"].get(name, {})
    args = _run_record(source_path)
    data = args.get("data")
    if info.get("distribution") not in DATA_DISTRIBUTIONS or not data:
        return None
    value_range = tuple(info.get("range") or (0.0, 1.0))
    scale = "binary" if info.get("distribution") == "binary" else {(0.0, 1.0): "unit", (-1.0, 1.0): "signed"}.get(
        tuple(float(v) for v in value_range))
    if scale is None:
        return None
    from keras_gen.data import load_dataset
    from keras_gen.data import resize_images

    try:
        x, y = load_dataset(data, split=split, scale=scale, limit=count, seed=0, download=False)
    except Exception:  # data not on this machine: random draws instead
        return None
    second = (part == "generator_reverse" or (part == "generator" and bool(args.get("reverse")))) \
        and y is not None and np.ndim(y) == np.ndim(x)
    images = y if second else x
    target = tuple(shape[1:])
    if images.ndim == 4 and len(target) == 3:
        if images.shape[-1] != target[-1]:
            return None
        if images.shape[1:3] != target[:2]:
            images = resize_images(images, target[:2])
    images = np.asarray(images, dtype="float32")
    if int(np.prod(images.shape[1:])) != int(np.prod(target)):
        return None
    images = images.reshape((len(images),) + target).astype(dtype)
    description = (f"{split} split of {os.path.basename(str(data))}{' (second domain)' if second else ''}, "
                   f"{len(images)} samples")
    return {name: images}, description


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
