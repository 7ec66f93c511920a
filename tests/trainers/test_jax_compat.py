import keras
import pytest

pytestmark = pytest.mark.backends("jax", reason="a jax shim")


def test_the_tfp_substrate_finds_its_jax_mapping():
    from keras_gen.trainers.jax_compat import patch_jax_for_tfp

    patch_jax_for_tfp()
    import jax.interpreters.xla as xla

    assert hasattr(xla, "pytype_aval_mappings")
    assert keras.backend.backend() == "jax"
