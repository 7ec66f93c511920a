"""Every public docstring's Example runs and prints what it says, on each backend.

With only the README's first install (Keras + TensorFlow, no extras), a
module that needs an optional package that is not installed (Gradio, ONNX,
TFP, JAX, torch, the hub clients) is skipped, naming the package; with
everything installed nothing is skipped.
"""

import doctest
import importlib
import importlib.util
import io
import pkgutil
import re

import pytest

import keras_gen

# Top-level modules of the optional extras (pyproject's optional-dependencies).
OPTIONAL = ("gradio", "gradio_client", "onnx", "onnxruntime", "tf2onnx", "ai_edge_litert",
            "tensorflow_probability", "tf_keras", "jax", "torch", "huggingface_hub", "kagglehub")


def _missing_optional(text):
    """The optional package a failure names (`No module named 'x'`), if it is not installed."""
    for name in re.findall(r"No module named '([\w.]+)'", str(text)):
        top = name.split(".")[0]
        if top in OPTIONAL and importlib.util.find_spec(top) is None:
            return top
    return None


def _package_error(name):
    import sys

    error = sys.exc_info()[1]
    if _missing_optional(error) is None:
        raise error


def _modules_with_examples():
    names = []
    for info in pkgutil.walk_packages(keras_gen.__path__, "keras_gen.", onerror=_package_error):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ModuleNotFoundError as error:
            missing = _missing_optional(error)
            if missing is None:
                raise
            names.append(pytest.param(info.name, marks=pytest.mark.skip(
                reason=f"needs the optional package {missing!r}, not installed")))
            continue
        if any(test.examples for test in doctest.DocTestFinder().find(module)):
            names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_the_library_has_examples():
    assert len(MODULES) >= 40, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    for test in doctest.DocTestFinder().find(module, module.__name__):
        runner.run(test, out=report.write)
    failures, tried = runner.failures, runner.tries
    missing = _missing_optional(report.getvalue()) if failures else None
    if missing:
        pytest.skip(f"an example needs the optional package {missing!r}, not installed")
    assert (failures, tried > 0) == (0, True), report.getvalue()
