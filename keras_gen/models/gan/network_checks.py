"""Reading what a GAN's networks produce: output range and shapes, checked before training."""

import keras

_ACTIVATION_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0)}


def activation_range(model):
    """Range of a network's outputs read from its last activation, or None."""
    for layer in reversed(getattr(model, "layers", [])):
        if isinstance(layer, keras.Model):
            return activation_range(layer)
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return _ACTIVATION_RANGES.get(getattr(activation, "__name__", None))
        if layer.weights:
            return None
    return None


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
