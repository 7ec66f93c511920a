"""`from_preset`: a model from a shipped name, a local folder or `.keras` file, or a hub URI."""

import json
import os
import zipfile

from keras_gen.presets.resolve import resolve_preset

__all__ = ["from_preset", "preset_class_name"]


def _class_name_in_config(config, source):
    name = config.get("class_name") if isinstance(config, dict) else None
    if not name:
        raise ValueError(f"Expected a Keras model config with a class_name. Received: preset={source!r}")
    return name


def preset_class_name(path, card, source=None):
    """The model class a preset holds (from its card, else from the `.keras` config)."""
    source = path if source is None else source
    if card is not None:
        return card["class"]
    if os.path.isdir(path) and os.path.isfile(os.path.join(path, "config.json")):
        with open(os.path.join(path, "config.json")) as handle:
            return _class_name_in_config(json.load(handle), source)
    model_file = path if os.path.isfile(path) else os.path.join(path, "model.keras")
    if not zipfile.is_zipfile(model_file):
        raise ValueError(f"Expected a .keras archive (a zip file). Received: preset={source!r}")
    with zipfile.ZipFile(model_file) as archive:
        return _class_name_in_config(json.loads(archive.read("config.json")), source)


def _model_class(name):
    import keras

    from keras_gen.models import import_all_families

    import_all_families()
    return keras.saving.get_registered_object(f"keras_gen>{name}")


def from_preset(name_or_uri, cls=None, compile=False):
    """Loads a pretrained keras-gen model.

    Args:
        name_or_uri: a shipped preset name (`keras_gen.presets.list_presets()`),
            a preset or run folder, a `.keras` file, a folder saved by Keras
            (`config.json` + weights), or `hf://OWNER/NAME` /
            `kaggle://OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]` (downloaded
            once into the cache, see `keras_gen.presets.resolve`).
        cls: the class the model must be (or subclass); `None` accepts any
            keras-gen model. `DCGAN.from_preset(...)` passes `DCGAN`.
        compile: restore a compile state saved with the model (presets are
            saved without one: compile to fine-tune).

    Returns:
        The model, ready to `sample`/`generate`/`translate`.

    Example:

    >>> model = from_preset("dcgan_mnist")
    >>> type(model).__name__, model.sample(2, seed=0).shape
    ('DCGAN', (2, 28, 28, 1))
    """
    import keras

    path, card = resolve_preset(name_or_uri)
    class_name = preset_class_name(path, card, name_or_uri)
    if cls is not None:
        found = _model_class(class_name)
        if found is None or not issubclass(found, cls):
            raise ValueError(f"Expected a preset of {cls.__name__}. Received: preset={name_or_uri!r}, "
                             f"which holds a {class_name}")
    if os.path.isdir(path) and not os.path.isfile(os.path.join(path, "model.keras")):
        from keras_gen.models import import_all_families

        import_all_families()
        return keras.saving.load_model(path, compile=compile)  # Keras's own folder format
    from keras_gen.models import load_model

    return load_model(path if os.path.isfile(path) else os.path.join(path, "model.keras"), compile=compile)
