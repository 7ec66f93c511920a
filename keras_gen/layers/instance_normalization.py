"""Instance normalization whose statistics round alike in Keras, ONNX and TFLite."""

import keras

__all__ = ["InstanceNormalization"]


def _mean(x, axes):
    # One axis at a time: each sum adds a row's worth of values, not an
    # image's, so its float32 rounding error is small in every runtime.
    # One flat ReduceMean over all pixels rounds differently in ONNX Runtime
    # and TFLite than in TensorFlow, by enough (scaled by 1 / std) to move an
    # exported 64-px Vid2Vid frame by ~1e-4 (3e-6 this way).
    for axis in sorted(axes, reverse=True):
        x = keras.ops.mean(x, axis=axis, keepdims=True)
    return x


@keras.saving.register_keras_serializable(package="keras_gen")
class InstanceNormalization(keras.layers.GroupNormalization):
    """Normalizes each channel of each image to zero mean and unit variance.

    The math, weights (`gamma`, `beta`) and config of
    `keras.layers.GroupNormalization(groups=-1)`, computed as
    `(x - mean) / sqrt(var + epsilon) * gamma + beta` with the means taken
    one spatial axis at a time, which keeps the float32 rounding of the
    statistics small in TensorFlow, JAX, torch, ONNX Runtime and TFLite
    alike: exported generators that feed back their own outputs (Vid2Vid)
    stay within 1e-4 of Keras.

    Args:
        epsilon: added to the variance (1e-5, Pix2Pix's).
        **kwargs: `keras.layers.GroupNormalization` arguments other than
            `groups` (`axis`, `center`, `scale`, initializers, `name`).

    Returns:
        A layer giving normalized inputs of the same shape.

    Example:

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(3.0, 2.0, (2, 8, 8, 3)).astype("float32")
    >>> y = keras.ops.convert_to_numpy(InstanceNormalization()(x))
    >>> bool(np.allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-5))
    True

    Reference: Ulyanov, Vedaldi and Lempitsky, "Instance Normalization: The
    Missing Ingredient for Fast Stylization", 2016.
    """

    def __init__(self, epsilon=1e-5, **kwargs):
        groups = kwargs.pop("groups", -1)  # get_config writes it
        if groups != -1:
            raise ValueError(f"Expected `groups` to be -1 (one per channel). Received: "
                             f"groups={groups!r}")
        super().__init__(groups=-1, epsilon=epsilon, **kwargs)

    def call(self, inputs):
        ops = keras.ops
        # float16/bfloat16 inputs are normalized in float32, as GroupNormalization does.
        dtype = keras.backend.result_type(inputs.dtype, "float32")
        x = ops.cast(inputs, dtype)
        rank = len(x.shape)
        axis = self.axis % rank
        centered = x - _mean(x, [a for a in range(1, rank) if a != axis])
        variance = _mean(ops.square(centered), [a for a in range(1, rank) if a != axis])
        y = centered * ops.rsqrt(variance + self.epsilon)
        shape = [1] * rank
        shape[axis] = -1
        if self.scale:
            y = y * ops.reshape(ops.cast(self.gamma, dtype), shape)
        if self.center:
            y = y + ops.reshape(ops.cast(self.beta, dtype), shape)
        return ops.cast(y, self.compute_dtype)
