"""keras.distribution on JAX: DataParallel and a ModelParallel layout over two
host devices (`--xla_force_host_platform_device_count=2`) equal one device.

JAX runs one SPMD program over the global batch (noise included), so each
replica gets its own data and the comparison is exact up to float error.
"""

import keras
import pytest

from keras_gen.distribute import model_parallel_layout_map
from tests.distribute.runner import assert_equal_runs
from tests.distribute.runner import run_worker

MODELS = ["toy", "denoising", "gan", "vae", "rbm"]
FLAGS = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if keras.backend.backend() != "jax":
        pytest.skip("keras.distribution runs on the JAX backend")
    root = tmp_path_factory.mktemp("jax_distribution")
    return {setting: run_worker("jax", setting, MODELS, root / setting, **FLAGS)
            for setting in ("single", "data_parallel", "model_parallel")}


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["data_parallel", "model_parallel"])
@pytest.mark.parametrize("model", MODELS)
def test_equals_one_device(runs, setting, model):
    assert_equal_runs(runs["single"] / f"{model}.npz", runs[setting] / f"{model}.npz")


def test_layout_map_needs_model_axis(backend):
    if backend != "jax":
        pytest.skip("keras.distribution runs on the JAX backend")
    devices = keras.distribution.list_devices()[:1]
    mesh = keras.distribution.DeviceMesh((1,), ("batch",), devices)
    with pytest.raises(ValueError, match="model"):
        model_parallel_layout_map(mesh)
