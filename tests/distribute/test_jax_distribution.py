"""keras.distribution on JAX: DataParallel and a ModelParallel layout over two
host devices (`--xla_force_host_platform_device_count=2`) equal one device.

JAX runs one SPMD program over the global batch (noise included), so each
replica gets its own data and the comparison is exact up to float error.
"""

import keras
import pytest

from keras_gen.distribute import model_parallel
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


def test_model_parallel_needs_its_mesh_axes(backend):
    if backend != "jax":
        pytest.skip("keras.distribution runs on the JAX backend")
    devices = keras.distribution.list_devices()[:1]
    mesh = keras.distribution.DeviceMesh((1,), ("batch",), devices)
    with pytest.raises(ValueError, match="model_axis.*Received: model_axis='model'"):
        model_parallel(mesh)
    with pytest.raises(ValueError, match="batch_dim_name"):
        model_parallel(mesh, model_axis="batch", batch_dim_name="data")


def test_model_parallel_splits_kernels_that_divide(backend):
    if backend != "jax":
        pytest.skip("keras.distribution runs on the JAX backend")
    devices = keras.distribution.list_devices()[:1] * 2
    mesh = keras.distribution.DeviceMesh((1, 2), ("batch", "model"), devices)
    distribution = model_parallel(mesh)
    layouts = {}
    for shape, path in (((3, 3, 8, 4), "g/up0_conv/kernel"), ((4, 3), "g/dense/kernel"),
                        ((4,), "g/dense/bias"), ((8, 4), "adam/g_dense_kernel_momentum")):
        variable = type("V", (), {"shape": shape, "path": path})()
        layouts[path] = tuple(distribution.get_variable_layout(variable).axes)
    assert layouts == {"g/up0_conv/kernel": (None, None, None, "model"),
                       "g/dense/kernel": (None, None),  # 3 outputs do not split in 2
                       "g/dense/bias": (None,),
                       "adam/g_dense_kernel_momentum": (None, "model")}


@pytest.mark.slow
@pytest.mark.parametrize("model", ["gan", "resnet_generator"])
def test_model_parallel_shards_generator_weights(runs, model):
    import numpy as np

    sharded = int(np.load(runs["model_parallel"] / f"{model}.npz")["info/sharded_variables"])
    assert sharded > 0
    assert int(np.load(runs["data_parallel"] / f"{model}.npz")["info/sharded_variables"]) == 0
