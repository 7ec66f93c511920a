"""`keras_gen.metrics.pseudo_likelihood` is a deprecated path of `keras_gen.models.rbm.pseudo_likelihood`: it
warns and forwards every public name (the estimator itself is tested in tests/models/rbm/)."""

from tests.metrics.common import assert_old_path_forwards


def test_the_old_path_warns_and_forwards():
    assert_old_path_forwards("keras_gen.metrics.pseudo_likelihood", "keras_gen.models.rbm.pseudo_likelihood")
