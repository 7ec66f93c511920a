import importlib

import pytest

from keras_gen.cli import arguments
from keras_gen.cli import options

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="reads tables; no model runs")

FAMILY_TABLES = {"SAMPLE_OPTIONS": "sample", "EVALUATE_OPTIONS": "evaluate",
                 "INTERPOLATE_OPTIONS": "interpolate", "TRANSLATE_OPTIONS": "translate"}


@pytest.mark.parametrize("family", ["rbm", "dbn", "dbm", "autoencoders", "vae", "gan", "pix2pix",
                                    "cyclegan"])
def test_each_family_takes_its_keys_from_the_one_table(family):
    module = importlib.import_module(f"keras_gen.cli.{family}")
    for table, command in FAMILY_TABLES.items():
        if hasattr(module, table):
            assert getattr(module, table) == options.defaults(command, family), (family, table)
        if hasattr(module, command) and command != "evaluate":
            assert hasattr(module, table), (family, command)


def test_one_name_one_meaning():
    for command, families in options.DEFAULTS.items():
        for family, keys in families.items():
            assert set(keys) <= set(options.MEANINGS), (command, family)
    # The number of images --fid compares: one name wherever --fid works.
    fid_families = [family for family, keys in options.DEFAULTS["evaluate"].items()
                    if "fid_samples" in keys]
    assert sorted(fid_families) == ["cyclegan", "dbm", "dbn", "gan", "pix2pix", "rbm", "vae"]


def test_an_unknown_key_names_the_closest_one():
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['num_samples'\] \(did you mean "
                                         r"'fid_samples'"):
        arguments.check_options({"num_samples": 10}, options.defaults("evaluate", "gan"))
