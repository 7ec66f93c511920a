"""`keras_gen.metrics.ais` is a deprecated path of `keras_gen.models.rbm.ais`: it
warns and forwards every public name (the estimator itself is tested in tests/models/rbm/)."""

import importlib
import sys
import warnings


def test_the_old_path_warns_and_forwards():
    sys.modules.pop("keras_gen.metrics.ais", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = importlib.import_module("keras_gen.metrics.ais")
    assert any(issubclass(w.category, DeprecationWarning) and "keras_gen.models.rbm.ais" in str(w.message)
               for w in caught)
    new = importlib.import_module("keras_gen.models.rbm.ais")
    assert new.__all__ and all(getattr(old, name) is getattr(new, name) for name in new.__all__)
