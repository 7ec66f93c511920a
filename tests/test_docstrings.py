"""Every public docstring's Example runs and prints what it says, on each backend."""

import doctest
import importlib
import pkgutil

import pytest

import keras_gen


def _modules_with_examples():
    names = []
    for info in pkgutil.walk_packages(keras_gen.__path__, "keras_gen."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if any(test.examples for test in doctest.DocTestFinder().find(module)):
            names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_the_library_has_examples():
    assert len(MODULES) >= 40, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    failures, tried = doctest.testmod(importlib.import_module(name),
                                      optionflags=doctest.NORMALIZE_WHITESPACE)
    assert (failures, tried > 0) == (0, True)
