"""keras-gen: unsupervised generative models for Keras 3.

Submodules are imported on first use, so `import keras_gen` stays cheap and
never pulls in optional dependencies.
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
