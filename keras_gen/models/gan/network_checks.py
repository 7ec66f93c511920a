"""Reading what a GAN's networks produce: output range and shapes, checked before training."""

from keras_gen.utils.data_checks import output_range


def activation_range(model):
    """Range of a network's outputs read from its last activation, or None
    (`keras_gen.utils.data_checks.output_range`, shared by every family)."""
    return output_range(model)


def network_shape(model, name, index=None):
    """Output shape of a network (or the shape of its input `index`); clear error if unknown."""
    shape = getattr(model, "input_shape" if index is not None else "output_shape", None)
    if shape is None:
        raise ValueError(
            f"Expected `{name}` to be a built functional or Sequential model with known "
            f"shapes (start it with keras.Input). Received: {name}={model!r}"
        )
    if index is not None and isinstance(shape, list):
        shape = shape[index]
    return tuple(shape)
