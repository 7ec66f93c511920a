import importlib

import pytest

from keras_gen.utils.deprecation import moved_names_getattr
from keras_gen.utils.deprecation import old_positional_order
from keras_gen.utils.deprecation import warn_deprecated


def test_warning_names_the_old_and_the_new():
    with pytest.warns(DeprecationWarning, match=r"old\(\) is deprecated .* use new\(\)"):
        warn_deprecated("old()", "new()")


def test_moved_names_warn_and_forward():
    getattr_ = moved_names_getattr("pkg", {"Grid": "keras_gen.callbacks.translation_grid:TranslationGrid"})
    with pytest.warns(DeprecationWarning, match="pkg.Grid"):
        moved = getattr_("Grid")
    from keras_gen.callbacks.translation_grid import TranslationGrid

    assert moved is TranslationGrid
    with pytest.raises(AttributeError):
        getattr_("Other")


@pytest.mark.parametrize("old, new, name", [
    ("keras_gen.models.dbn", "keras_gen.models.rbm", "ReplicatedSoftmaxRBM"),
    ("keras_gen.models.pix2pix", "keras_gen.callbacks.translation_grid", "TranslationGrid"),
])
def test_old_public_paths_still_work_with_a_warning(old, new, name):
    with pytest.warns(DeprecationWarning):
        value = getattr(importlib.import_module(old), name)
    assert value is getattr(importlib.import_module(new), name)


class _Verbs:
    @old_positional_order(old=("gibbs_steps", "seed"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: "seed" in kwargs)
    def sample(self, count, seed=None, batch_size=8, *, gibbs_steps=100):
        return count, seed, batch_size, gibbs_steps


def test_old_positional_order_maps_old_calls_with_a_warning():
    verbs = _Verbs()
    assert verbs.sample(3, 5, 2) == (3, 5, 2, 100)  # the new order passes through
    with pytest.warns(DeprecationWarning, match=r"_Verbs.sample with gibbs_steps passed by position"):
        assert verbs.sample(3, 20, seed=1) == (3, 1, 8, 20)


def test_old_positional_order_refuses_calls_that_fit_neither_order():
    verbs = _Verbs()
    with pytest.raises(TypeError, match=r"Use _Verbs.sample\(\.\.\., seed, batch_size, gibbs_steps=\.\.\.\)"):
        verbs.sample(3, 20, 1, 4)  # more than the old order ever took
    with pytest.raises(TypeError, match=r"\['gibbs_steps'\] both by position"):
        verbs.sample(3, 20, seed=1, gibbs_steps=5)
