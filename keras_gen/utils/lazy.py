"""Package attributes resolved from submodules on first use."""

import importlib
import pkgutil


def lazy_package_getattr(package_name, package_path, skip=()):
    """Returns a module `__getattr__` that finds public names in submodules.

    Each submodule holds one public class or function family; the package
    exposes them without importing every submodule (and its dependencies) up
    front. Submodules named in `skip` (deprecated aliases) are not searched.

    Example:

    ```python
    __getattr__ = lazy_package_getattr(__name__, __path__)
    ```
    """

    def __getattr__(name):
        if name.startswith("_"):
            raise AttributeError(name)
        for info in pkgutil.iter_modules(package_path):
            if info.name.startswith("_") or info.name in skip:
                continue
            module = importlib.import_module(f"{package_name}.{info.name}")
            if name in getattr(module, "__all__", ()) or (
                not hasattr(module, "__all__") and hasattr(module, name) and not name.startswith("_")
                and getattr(getattr(module, name), "__module__", None) == module.__name__
            ):
                return getattr(module, name)
        raise AttributeError(f"module {package_name!r} has no attribute {name!r}")

    return __getattr__
