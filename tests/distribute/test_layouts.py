import keras
import pytest

from keras_gen.distribute import model_parallel

pytestmark = pytest.mark.backends("jax", reason="keras.distribution runs on JAX")


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
