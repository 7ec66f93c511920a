"""keras-gen: unsupervised generative models for Keras 3.

Importing the package registers every model class with Keras (at once if
Keras is already imported, else as soon as it is), so
`keras.saving.load_model` reads any keras-gen `.keras` file. The other
submodules (export, apps' helpers) are imported on first use and never pull
in optional dependencies.
"""

import importlib
import importlib.abc
import importlib.util
import sys

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



def _register_model_families():
    from keras_gen.models import import_all_families

    import_all_families()


class _RegisterAfterKerasImport(importlib.abc.MetaPathFinder):
    """Registers keras-gen's model classes right after the first `import keras`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec("keras")
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenRegister(spec.loader)
        return spec


class _ThenRegister(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _register_model_families()


# Keras finds a saved class only in its registry (it imports modules of its own
# packages alone), so every family must be registered before
# `keras.saving.load_model` reads a keras-gen file. Registering imports Keras
# and its backend (seconds of CPU), which `import keras_gen` alone (e.g.
# `keras-gen --help`) should not pay: register now if Keras is already
# imported, else right after Keras is.
if "keras" in sys.modules:
    _register_model_families()
else:
    sys.meta_path.insert(0, _RegisterAfterKerasImport())
