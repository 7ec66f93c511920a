"""Backward warping of images by an optical flow field, in `keras.ops`."""

import keras

__all__ = ["FlowWarp", "flow_warp"]


def flow_warp(images, flow):
    """Samples `images` at each pixel displaced by `flow` (bilinear, border clamp).

    `output[b, y, x] = images[b, y + flow[b, y, x, 1], x + flow[b, y, x, 0]]`,
    interpolated between the four nearest pixels; points outside the image
    take the value of its nearest edge. With the backward flow of a video
    (frame t -> frame t - 1), warping frame t - 1 predicts frame t. The four
    neighbours are read with one flat `take` each (a plain Gather), so the op
    runs on every backend and converts to ONNX and TFLite builtins.
    Integer flows reproduce pixels exactly. The gradient reaches `flow`
    through the interpolation weights (and `images` through the samples).

    Args:
        images: `(batch, height, width, channels)` tensor.
        flow: `(batch, height, width, 2)` tensor of `(dx, dy)` in pixels.

    Returns:
        A tensor shaped like `images`.

    Example:

    >>> import numpy as np
    >>> image = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> shift = np.zeros((1, 4, 4, 2), "float32")
    >>> shift[..., 0] = -1.0  # every pixel shows its left neighbour
    >>> keras.ops.convert_to_numpy(flow_warp(image, shift))[0, :, :, 0]
    array([[ 0.,  0.,  1.,  2.],
           [ 4.,  4.,  5.,  6.],
           [ 8.,  8.,  9., 10.],
           [12., 12., 13., 14.]], dtype=float32)
    >>> shift[..., 0] = 0.5  # half way to the right neighbour
    >>> keras.ops.convert_to_numpy(flow_warp(image, shift))[0, 0, :, 0]
    array([0.5, 1.5, 2.5, 3. ], dtype=float32)

    Reference: Jaderberg et al., "Spatial Transformer Networks", NeurIPS
    2015 (bilinear sampling); Wang et al., "Video-to-Video Synthesis",
    NeurIPS 2018 (warping the previous frame by the estimated flow).
    """
    ops = keras.ops
    images = ops.convert_to_tensor(images)
    flow = ops.cast(ops.convert_to_tensor(flow), images.dtype)
    height, width, channels = (int(d) for d in images.shape[1:])
    # The interpolation weights come from the flow alone, never from the
    # absolute coordinate `x + flow`: at x ~ 60 a float32 coordinate is only
    # good to ~4e-6, so a flow that differs by 1e-7 between two runtimes
    # (Keras, ONNX, TFLite) would round to weights 4e-6 apart, and a rollout
    # that warps its own frames adds that up frame after frame. The integer
    # part goes to the indices, which are clamped to the image (the same as
    # clamping the coordinate, for bilinear sampling).
    dx0, dy0 = ops.floor(flow[..., 0]), ops.floor(flow[..., 1])
    wx, wy = (flow[..., 0] - dx0)[..., None], (flow[..., 1] - dy0)[..., None]
    # Beyond one image side every index clamps alike; this keeps the int32 cast in range.
    dx0, dy0 = ops.clip(dx0, -width, width), ops.clip(dy0, -height, height)
    x0 = ops.arange(width, dtype="int32")[None, None, :] + ops.cast(dx0, "int32")
    y0 = ops.arange(height, dtype="int32")[None, :, None] + ops.cast(dy0, "int32")
    x0, x1 = ops.clip(x0, 0, width - 1), ops.clip(x0 + 1, 0, width - 1)
    y0, y1 = ops.clip(y0, 0, height - 1), ops.clip(y0 + 1, 0, height - 1)
    # Row offsets of each image in the flattened batch, built from a tensor so
    # that the batch may be dynamic (exported artifacts with batch=None).
    first = ops.ones_like(flow[:, :1, :1, 0], dtype="int32")
    offset = (ops.cumsum(first, axis=0) - 1) * (height * width)
    flat = ops.reshape(images, (-1, channels))

    def sample(row, col):
        index = ops.reshape(offset + row * width + col, (-1,))
        return ops.reshape(ops.take(flat, index, axis=0), ops.shape(images))

    top = sample(y0, x0) * (1.0 - wx) + sample(y0, x1) * wx
    bottom = sample(y1, x0) * (1.0 - wx) + sample(y1, x1) * wx
    return top * (1.0 - wy) + bottom * wy


@keras.saving.register_keras_serializable(package="keras_gen")
class FlowWarp(keras.layers.Layer):
    """Layer form of `flow_warp`: `FlowWarp()([images, flow])`.

    Args:
        **kwargs: base `keras.layers.Layer` arguments (`name`).

    Returns:
        A layer mapping `[images (B, H, W, C), flow (B, H, W, 2)]` to the
        warped images `(B, H, W, C)`.

    Example:

    >>> import numpy as np
    >>> images = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    >>> warped = FlowWarp()([images, np.zeros((2, 8, 8, 2), "float32")])
    >>> bool(np.allclose(keras.ops.convert_to_numpy(warped), images))  # zero flow: unchanged
    True

    Reference: Wang et al., "Video-to-Video Synthesis", NeurIPS 2018.
    """

    def call(self, inputs):
        images, flow = inputs
        return flow_warp(images, flow)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])
