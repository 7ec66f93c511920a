"""Model-parallel layouts for `keras.distribution.ModelParallel` (JAX)."""

import keras

__all__ = ["model_parallel", "model_parallel_layout_map"]


def model_parallel_layout_map(device_mesh, model_axis="model"):
    """Layouts sharding every dense and convolution kernel over `model_axis`.

    The output-channel axis of each kernel (and its bias) is split, so a
    generator too large for one device's memory (a 9-block ResNet CycleGAN
    generator at 256 px, a wide DCGAN) is spread over the mesh; XLA inserts
    the collectives. Variables the patterns do not match (normalization
    scales, seed states) are replicated.

    Args:
        device_mesh: a `keras.distribution.DeviceMesh` with a `model_axis`.
        model_axis: name of the mesh axis to shard weights over.

    Returns:
        A `keras.distribution.LayoutMap`. Pass it to `model_parallel` (which
        also replicates layers too small to split) or to
        `keras.distribution.ModelParallel` (every matched axis must then divide
        by the mesh size).

    Raises:
        ValueError: when the mesh has no axis named `model_axis`.

    Example:

    ```python
    devices = keras.distribution.list_devices()
    mesh = keras.distribution.DeviceMesh((2, 4), ("batch", "model"), devices)
    layout_map = model_parallel_layout_map(mesh)
    keras.distribution.set_distribution(keras.distribution.ModelParallel(
        layout_map=layout_map, batch_dim_name="batch"))
    model = CycleGAN(...)  # built after set_distribution
    ```

    Reference: Keras guide "Distributed training with Keras 3" (JAX);
    Shoeybi et al., "Megatron-LM", 2019 (output-channel sharding).
    """
    if model_axis not in device_mesh.axis_names:
        raise ValueError(
            f"Expected `device_mesh` to have an axis named {model_axis!r}. "
            f"Received: device_mesh with axes {tuple(device_mesh.axis_names)}"
        )
    layout_map = keras.distribution.LayoutMap(device_mesh)
    # Variable paths look like "generator/dense_1/kernel" or
    # "generator/conv2d_transpose/kernel"; each pattern matches one rank.
    layout_map[r".*dense.*/kernel"] = (None, model_axis)
    layout_map[r".*dense.*/bias"] = (model_axis,)
    layout_map[r".*conv2d_transpose.*/kernel"] = (None, None, model_axis, None)
    layout_map[r".*conv2d(?!_transpose).*/kernel"] = (None, None, None, model_axis)
    layout_map[r".*conv2d.*/bias"] = (model_axis,)
    return layout_map


class _DivisibleModelParallel(keras.distribution.ModelParallel):
    def get_variable_layout(self, variable):
        layout = super().get_variable_layout(variable)
        mesh = self.device_mesh
        axes = list(layout.axes)
        if len(axes) != len(variable.shape):
            axes = [None] * len(variable.shape)
        # An axis that does not divide by its mesh size (a 1-unit output
        # layer, 3 RGB channels) stays whole on every device.
        axes = [
            axis if axis is None
            or variable.shape[i] % mesh.shape[mesh.axis_names.index(axis)] == 0
            else None
            for i, axis in enumerate(axes)
        ]
        return keras.distribution.TensorLayout(axes, mesh)


def model_parallel(device_mesh, model_axis="model", batch_dim_name="batch"):
    """A `keras.distribution.ModelParallel` that splits generators over devices.

    Kernels are sharded as in `model_parallel_layout_map`; any axis that does
    not divide by the mesh size (the 3-channel output convolution of an image
    generator, a 1-logit discriminator head) is replicated instead of failing.
    The batch is split over `batch_dim_name`. Set it with
    `keras.distribution.set_distribution` before building the model.

    Args:
        device_mesh: a `keras.distribution.DeviceMesh`, e.g. shape
            `(data_replicas, model_shards)` with axes `("batch", "model")`.
        model_axis: mesh axis the weights are split over.
        batch_dim_name: mesh axis the batch is split over.

    Returns:
        The distribution.

    Example:

    ```python
    devices = keras.distribution.list_devices()
    mesh = keras.distribution.DeviceMesh((1, len(devices)), ("batch", "model"), devices)
    keras.distribution.set_distribution(model_parallel(mesh))
    model = DCGAN(...)
    ```

    Reference: Keras guide "Distributed training with Keras 3".
    """
    return _DivisibleModelParallel(
        layout_map=model_parallel_layout_map(device_mesh, model_axis),
        batch_dim_name=batch_dim_name,
    )
