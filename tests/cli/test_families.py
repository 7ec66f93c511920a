"""`keras_gen.cli.families`: every model has its help line and a family module that trains it."""

import pytest

from keras_gen.cli import families

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="imports the family modules; no model runs")


def test_every_model_has_help_and_a_family_that_trains_it():
    assert list(families.MODEL_HELP) == list(families.MODELS)
    for name in families.MODELS:
        module = families.family(name)
        assert module.__name__ == f"keras_gen.cli.{families.MODELS[name]}"
        assert callable(module.add_train_arguments) and callable(module.train), name
