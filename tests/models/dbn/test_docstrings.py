import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["keras_gen.models.dbn.dbn", "keras_gen.models.dbn.replicated_softmax_rbm"])
def test_docstring_examples_run(name):
    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert (failures, tried > 0) == (0, True)
