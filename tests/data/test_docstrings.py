import doctest
import importlib

MODULES = [
    "keras_gen.data.dataset",
    "keras_gen.data.digits",
    "keras_gen.data.dynamic_binarization_dataset",
    "keras_gen.data.image_folder",
    "keras_gen.data.image_to_image",
    "keras_gen.data.keras_datasets",
    "keras_gen.data.npz",
    "keras_gen.data.paired_image_dataset",
    "keras_gen.data.scaling",
    "keras_gen.data.unpaired_image_dataset",
]


def test_docstring_examples_run():
    for name in MODULES:
        module = importlib.import_module(name)
        failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert (failures, tried > 0) == (0, True), name
