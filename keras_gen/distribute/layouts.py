"""Model parallelism for large generators with `keras.distribution` (JAX)."""

import keras

__all__ = ["model_parallel"]


class _KernelShardedModelParallel(keras.distribution.ModelParallel):
    def __init__(self, model_axis, **kwargs):
        super().__init__(**kwargs)
        self.model_axis = model_axis

    def get_variable_layout(self, variable):
        layout = super().get_variable_layout(variable)
        if any(axis is not None for axis in layout.axes):
            return layout  # an explicit entry of the layout map wins
        mesh = self.device_mesh
        shards = mesh.shape[mesh.axis_names.index(self.model_axis)]
        axes = [None] * len(variable.shape)
        # Kernels and their optimizer slots ("..._kernel_momentum") are
        # split on their last axis when it divides; the rest (biases, norm
        # scales, seed states, a 3-channel output layer) is replicated.
        name = variable.path.split("/")[-1]
        if "kernel" in name and len(axes) >= 2 and variable.shape[-1] % shards == 0:
            axes[-1] = self.model_axis
        return keras.distribution.TensorLayout(axes, mesh)


def model_parallel(device_mesh, model_axis="model", batch_dim_name="batch", layout_map=None):
    """A `keras.distribution.ModelParallel` that splits generators over devices.

    Every dense and convolution kernel (and its optimizer slots) is split on
    its last axis (output channels; input channels of a transposed
    convolution) over `model_axis` whenever that axis divides by the number of
    shards; XLA inserts the collectives. Layers are found by their weights,
    not their names, so custom-named networks (ResNet and U-Net generators)
    are covered. The batch is split over `batch_dim_name`. Set it with
    `keras.distribution.set_distribution` before building the model.

    Args:
        device_mesh: a `keras.distribution.DeviceMesh` with axes for the batch
            and the model, e.g. shape `(2, 4)` with axes `("batch", "model")`.
        model_axis: mesh axis the weights are split over.
        batch_dim_name: mesh axis the batch is split over.
        layout_map: optional `keras.distribution.LayoutMap` whose entries
            override the default for the variables they match.

    Returns:
        The distribution.

    Raises:
        ValueError: when the mesh lacks `model_axis` or `batch_dim_name`.

    Example:

    The layouts of a two-way split (computing them needs no devices; to
    train, pass `keras.distribution.list_devices()` and call
    `keras.distribution.set_distribution(distribution)` before building):

    >>> mesh = keras.distribution.DeviceMesh((1, 2), ("batch", "model"), ["cpu:0", "cpu:1"])
    >>> distribution = model_parallel(mesh)
    >>> hidden, output = keras.layers.Dense(4), keras.layers.Dense(3)
    >>> hidden.build((None, 3))
    >>> output.build((None, 4))
    >>> distribution.get_variable_layout(hidden.kernel).axes  # 4 outputs: split in 2
    (None, 'model')
    >>> distribution.get_variable_layout(output.kernel).axes  # 3 outputs: replicated
    (None, None)
    >>> distribution.get_variable_layout(hidden.bias).axes
    (None,)

    Reference: Keras guide "Distributed training with Keras 3"; Shoeybi et
    al., "Megatron-LM", 2019 (splitting layers by output features).
    """
    for name, axis in (("model_axis", model_axis), ("batch_dim_name", batch_dim_name)):
        if axis not in device_mesh.axis_names:
            raise ValueError(
                f"Expected `{name}` to be an axis of `device_mesh` "
                f"{tuple(device_mesh.axis_names)}. Received: {name}={axis!r}"
            )
    return _KernelShardedModelParallel(
        model_axis,
        layout_map=layout_map or keras.distribution.LayoutMap(device_mesh),
        batch_dim_name=batch_dim_name,
    )
