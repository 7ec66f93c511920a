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
    "presets",
    "trainers",
    "utils",
)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_gen.{name}")
    raise AttributeError(f"module 'keras_gen' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))



_registration = {"done": False, "running": False}


def _keras_gen_initializing(exclude):
    for name, module in list(sys.modules.items()):
        if name != exclude and (name == "keras_gen" or name.startswith("keras_gen.")):
            if getattr(getattr(module, "__spec__", None), "_initializing", False):
                return True
    return False


def _register_model_families(just_imported=None):
    """Imports every family (registering its classes with Keras) once Keras is
    imported and no keras-gen module is half-way through its own import."""
    if _registration["done"] or _registration["running"] or "keras" not in sys.modules:
        return
    if _keras_gen_initializing(exclude=just_imported):
        return  # the outermost keras-gen import registers when it finishes
    _registration["running"] = True
    try:
        from keras_gen.models import import_all_families

        import_all_families()
        _registration["done"] = True
    finally:
        _registration["running"] = False
    for finder in [f for f in sys.meta_path if isinstance(f, _RegisterWhenKerasIsImported)]:
        sys.meta_path.remove(finder)


class _RegisterWhenKerasIsImported(importlib.abc.MetaPathFinder):
    """Registers keras-gen's models right after Keras (or a keras-gen module
    importing it) finishes importing."""

    def __init__(self):
        self._finding = False

    def find_spec(self, fullname, path=None, target=None):
        if self._finding or not (fullname == "keras" or fullname.startswith("keras_gen.")):
            return None
        self._finding = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._finding = False
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenRegister(spec.loader)
        return spec


class _ThenRegister(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):  # get_source, get_filename, ... as the real loader
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _register_model_families(just_imported=module.__name__)


# Keras finds a saved class only in its registry (it imports modules of its own
# packages alone), so every family must be registered before
# `keras.saving.load_model` reads a keras-gen file. Registering imports Keras
# and its backend (seconds of CPU), which `import keras_gen` alone (e.g.
# `keras-gen --help`) should not pay: register now if Keras is already
# imported, else as soon as it is. A family imports keras-gen modules itself,
# so registration waits until no keras-gen module is half-imported.
if "keras" in sys.modules:
    _register_model_families(just_imported=__name__)
else:
    sys.meta_path.insert(0, _RegisterWhenKerasIsImported())
