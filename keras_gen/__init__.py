"""keras-gen: unsupervised generative models for Keras 3.

Importing the package registers every model class with Keras, so
`keras.saving.load_model` reads any keras-gen `.keras` file. The other
submodules (export, apps' helpers) are imported on first use and never pull
in optional dependencies.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "callbacks",
    "data",
    "layers",
    "losses",
    "metrics",
    "models",
    "trainers",
    "utils",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_gen.{name}")
    raise AttributeError(f"module 'keras_gen' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))


# Keras finds a saved class only in its registry (it imports modules of its own
# packages alone), so every family registers itself here.
from keras_gen.models import import_all_families  # noqa: E402

import_all_families()
del import_all_families
