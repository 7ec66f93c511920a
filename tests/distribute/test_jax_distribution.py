"""keras.distribution on JAX: DataParallel and a ModelParallel layout over two
host devices (`--xla_force_host_platform_device_count=2`) equal one device.

JAX runs one SPMD program over the global batch (noise included), so each
replica gets its own data and the comparison is exact up to float error.
"""

import keras
import pytest

from tests.distribute.runner import assert_equal_runs
from tests.distribute.runner import run_worker

pytestmark = pytest.mark.backends("jax", reason="keras.distribution runs on JAX")

# The full CycleGAN step is too slow for JAX on a CPU; its generator is
# covered alone ("resnet_generator"), the whole model on TensorFlow.
MODELS = ["toy", "denoising", "gan", "vae", "rbm", "resnet_generator"]
FLAGS = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if keras.backend.backend() != "jax":
        pytest.skip("keras.distribution runs on the JAX backend")
    root = tmp_path_factory.mktemp("jax_distribution")
    return {setting: run_worker("jax", setting, MODELS, root / setting, **FLAGS)
            for setting in ("single", "data_parallel", "model_parallel")}


# Not marked slow (about a minute): the JAX run deselects slow tests and the
# TensorFlow run skips these, so a slow mark would mean they never run.
@pytest.mark.parametrize("setting", ["data_parallel", "model_parallel"])
@pytest.mark.parametrize("model", MODELS)
def test_equals_one_device(runs, setting, model):
    assert_equal_runs(runs["single"] / f"{model}.npz", runs[setting] / f"{model}.npz")


@pytest.mark.slow
@pytest.mark.parametrize("model", ["gan", "resnet_generator"])
def test_model_parallel_shards_generator_weights(runs, model):
    import numpy as np

    sharded = int(np.load(runs["model_parallel"] / f"{model}.npz")["info/sharded_variables"])
    assert sharded > 0
    assert int(np.load(runs["data_parallel"] / f"{model}.npz")["info/sharded_variables"]) == 0
