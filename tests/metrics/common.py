"""Shared checks of the metrics tests."""

import importlib
import sys
import warnings


def assert_old_path_forwards(old_name, new_name):
    """Importing `old_name` warns (naming `new_name`) and gives `new_name`'s public objects."""
    sys.modules.pop(old_name, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = importlib.import_module(old_name)
    assert any(issubclass(w.category, DeprecationWarning) and new_name in str(w.message) for w in caught)
    new = importlib.import_module(new_name)
    assert new.__all__ and all(getattr(old, name) is getattr(new, name) for name in new.__all__)
