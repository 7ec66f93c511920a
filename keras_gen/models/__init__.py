"""All keras-gen models. Each family is imported on first use.

Import a family's classes from here (`keras_gen.models.RBM`) or from its
package (`keras_gen.models.rbm.RBM`). All of them subclass
`keras_gen.models.GenerativeModel`, the shared base. `load_model(path)` imports every family
first, so any keras-gen `.keras` file loads without knowing its class.
"""

import importlib

_FAMILIES = {
    "rbm": ("RBM", "ClassificationRBM", "ReplicatedSoftmaxRBM"),
    "dbn": ("DBN",),
    "dbm": ("DBM",),
    "autoencoders": (
        "Autoencoder",
        "DenoisingAutoencoder",
        "SparseAutoencoder",
        "ContractiveAutoencoder",
        "StochasticAutoencoder",
        "StackedAutoencoder",
    ),
    "vae": ("VAE",),
    "gan": ("GAN", "DCGAN", "ConditionalGAN"),
    "pix2pix": ("Pix2Pix",),
    "cyclegan": ("CycleGAN",),
    "vid2vid": ("Vid2Vid",),
}
_LOCATION = {name: family for family, names in _FAMILIES.items() for name in names}
_LOCATION["GenerativeModel"] = "generative_model"


def __getattr__(name):
    if name in _LOCATION:
        module = importlib.import_module(f"keras_gen.models.{_LOCATION[name]}")
        return getattr(module, name)
    if name in _FAMILIES:
        return importlib.import_module(f"keras_gen.models.{name}")
    raise AttributeError(f"module 'keras_gen.models' has no attribute {name!r}")


def import_all_families():
    """Imports every model family present, registering its classes for loading."""
    for family in _FAMILIES:
        try:
            importlib.import_module(f"keras_gen.models.{family}")
        except ModuleNotFoundError as error:
            if error.name != f"keras_gen.models.{family}":
                raise


def load_model(path, compile=True):
    """Loads any keras-gen `.keras` file.

    Args:
        path: path to a `.keras` file saved by `model.save`.
        compile: whether to restore the compile state (optimizers).

    Returns:
        The model.

    Example:

    ```python
    model = keras_gen.models.load_model("runs/rbm/model.keras")
    ```
    """
    import os
    import zipfile

    import keras

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"Expected `path` to be an existing .keras file. Received: path={path!r}")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"Expected `path` to be a .keras archive (a zip file). Received: path={path!r}, "
            "which is not one (corrupt or another format)"
        )
    try:  # every member's CRC, before Keras reads a damaged weight file
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        damaged = str(error)
    if damaged:
        raise ValueError(
            f"Expected `path` to be a readable .keras archive. Received: path={path!r}, "
            f"which is damaged (bad data in {damaged})"
        )
    import_all_families()
    if _stores_group_normalization(path):
        from keras_gen.layers.normalization import group_instance_normalization

        with group_instance_normalization():
            return keras.models.load_model(path, compile=compile)
    return keras.models.load_model(path, compile=compile)


def _stores_group_normalization(path):
    """Whether a `.keras` file keeps weights under `group_normalization` paths.

    Keras names a weight path after the layer's class, and a subclassed
    model's file stores only its arguments: a Pix2Pix, CycleGAN or Vid2Vid
    saved when instance norm was `GroupNormalization(groups=-1)` must be
    rebuilt with that class for its weights to load (functional models store
    their layers' classes and are not affected by the rebuild).
    """
    import re
    import zipfile

    import h5py

    pattern = re.compile(r"(^|/)group_normalization(_\d+)?$")
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".weights.h5"):
                # Keras stores the weights uncompressed: h5py seeks in the member.
                with archive.open(member) as handle, h5py.File(handle, "r") as weights:
                    # `visit` stops at the first name the function returns True for.
                    if weights.visit(lambda name: True if pattern.search(name) else None):
                        return True
    return False


def __dir__():
    return sorted(list(globals()) + list(_LOCATION))
