import pytest

import keras_gen.metrics
from keras_gen.utils.lazy import lazy_package_getattr


def test_public_names_are_found_in_submodules_on_first_use():
    from keras_gen.metrics.frechet_distance import fid_score

    assert keras_gen.metrics.fid_score is fid_score


def test_private_unknown_and_skipped_names_raise_attribute_error():
    getattr_ = lazy_package_getattr("keras_gen.metrics", keras_gen.metrics.__path__,
                                    skip=("iwae", "ais", "pseudo_likelihood"))
    with pytest.raises(AttributeError):
        getattr_("_private")
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        getattr_("no_such_name")
    with pytest.raises(AttributeError):
        getattr_("iwae_nll")  # lives in a skipped submodule
