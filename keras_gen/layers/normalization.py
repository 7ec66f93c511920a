"""The normalization choice of the image-to-image generators and discriminators."""

import keras

from keras_gen.utils import check_in

__all__ = ["NORMALIZATIONS", "normalization_layer"]

NORMALIZATIONS = ("instance", "batch", "none")


def normalization_layer(kind, name):
    """Returns the normalization layer `kind` ("instance", "batch" or "none").

    Instance normalization is `GroupNormalization(groups=-1)` (one group per
    channel): identical in training and inference, so exported generators
    behave like the trained ones, and it converts to ONNX and TFLite.

    Example:

    >>> normalization_layer("instance", "norm").groups
    -1
    """
    check_in("normalization", kind, NORMALIZATIONS)
    if kind == "instance":
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    if kind == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    return keras.layers.Identity(name=name)
