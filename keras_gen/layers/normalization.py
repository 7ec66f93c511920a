"""The normalization choice of the image-to-image generators and discriminators."""

import contextlib
import contextvars

import keras

from keras_gen.layers.instance_normalization import InstanceNormalization
from keras_gen.utils import check_in

__all__ = ["NORMALIZATIONS", "normalization_layer", "group_instance_normalization"]

NORMALIZATIONS = ("instance", "batch", "none")

_GROUP_INSTANCE = contextvars.ContextVar("keras_gen_group_instance_normalization", default=False)


def normalization_layer(kind, name):
    """Returns the normalization layer `kind` ("instance", "batch" or "none").

    Instance normalization is `InstanceNormalization`: identical in training
    and inference, so exported generators behave like the trained ones, and
    its statistics round alike in Keras, ONNX Runtime and LiteRT (fp32
    artifacts within ~2e-5 of Keras on real 128-px facades, where a
    `GroupNormalization(groups=-1)` with the same weights is ~1e-4 off).
    Inside `group_instance_normalization()` it is that
    `GroupNormalization(groups=-1)` instead, as in files saved before.

    Args:
        kind: "instance", "batch" or "none".
        name: the layer's name.

    Returns:
        A Keras layer (`keras.layers.Identity` for "none").

    Example:

    >>> type(normalization_layer("instance", "norm")).__name__
    'InstanceNormalization'
    """
    check_in("normalization", kind, NORMALIZATIONS)
    if kind == "instance":
        if _GROUP_INSTANCE.get():
            return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
        return InstanceNormalization(epsilon=1e-5, name=name)
    if kind == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    return keras.layers.Identity(name=name)


@contextlib.contextmanager
def group_instance_normalization():
    """Within it, `normalization_layer("instance")` builds `GroupNormalization(groups=-1)`.

    That is the layer keras-gen built for instance norm before
    `InstanceNormalization`. A `.keras` file of a subclassed model (Pix2Pix,
    CycleGAN, Vid2Vid) stores only the model's arguments and its weights
    under paths named after each layer's class, so such a file must be
    rebuilt with the class it was saved with: `keras_gen.models.load_model`
    enters this context for files whose weights sit under
    `group_normalization` paths, and they load with the same layers and
    give the same outputs as when they were saved.

    Returns:
        A context manager (per thread and task: a `contextvars` variable).

    Example:

    >>> with group_instance_normalization():
    ...     type(normalization_layer("instance", "norm")).__name__
    'GroupNormalization'
    """
    token = _GROUP_INSTANCE.set(True)
    try:
        yield
    finally:
        _GROUP_INSTANCE.reset(token)
