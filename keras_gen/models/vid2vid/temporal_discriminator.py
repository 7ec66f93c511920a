"""The temporal discriminator of Vid2Vid: K consecutive frames and their flows."""

import keras

from keras_gen.models.vid2vid.multiscale_discriminator import multiscale_discriminator
from keras_gen.utils import check_positive_int

__all__ = ["temporal_clips", "temporal_discriminator"]


def temporal_discriminator(image_size=64, channels=1, frames=3, filters=16, layers=None,
                           scales=2, normalization="instance", name="temporal_discriminator"):
    """Builds a discriminator of `frames` consecutive frames, given the flow between them.

    The frames are stacked on channels with the `frames - 1` backward flows
    of the real video (the same flows for real and generated clips), so the
    discriminator can check that a clip moves the way its flow says: a
    generator that redraws each frame differently (flicker) or drifts from
    the motion is caught here, not by the per-frame image discriminator.
    The body is `multiscale_discriminator` (Pix2Pix's PatchGAN per scale).

    Args:
        image_size: side of the square frames.
        channels: channels of one frame.
        frames: consecutive frames judged together (K, >= 2).
        filters: filters of each PatchGAN's first block.
        layers: stride-2 blocks of each PatchGAN.
        scales: number of spatial scales.
        normalization: "instance" (default), "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` with inputs `frames` `(S, S, K * channels)`
        (oldest first) and `flows` `(S, S, 2 * (K - 1))` (`flows[..., 2i:2i+2]`
        maps frame `i + 1` to frame `i`), and the outputs of
        `multiscale_discriminator`: per scale, block features and logits.

    Example:

    >>> import numpy as np
    >>> model = temporal_discriminator(image_size=16, frames=3, filters=4, scales=1)
    >>> [tuple(t.shape) for t in model.inputs]
    [(None, 16, 16, 3), (None, 16, 16, 4)]
    >>> outputs = model([np.zeros((2, 16, 16, 3), "float32"), np.zeros((2, 16, 16, 4), "float32")])
    >>> tuple(outputs[-1].shape)  # the logits of the only scale
    (2, 8, 8, 1)

    Reference: Wang et al., "Video-to-Video Synthesis", NeurIPS 2018
    (section 3, the conditional video discriminator D_V).
    """
    image_size = check_positive_int("image_size", image_size)
    channels = check_positive_int("channels", channels)
    frames = check_positive_int("frames", frames, minimum=2)
    clip = keras.Input((image_size, image_size, frames * channels), name="frames")
    flows = keras.Input((image_size, image_size, 2 * (frames - 1)), name="flows")
    body = multiscale_discriminator(image_size, frames * channels + 2 * (frames - 1), filters,
                                    layers, scales, normalization, name=f"{name}_body")
    joined = keras.layers.Concatenate(name="clip_and_flows")([clip, flows])
    return keras.Model([clip, flows], body(joined), name=name)


def temporal_clips(frames, flow, frames_per_clip):
    """The temporal discriminator's inputs for every run of `frames_per_clip` frames.

    Args:
        frames: time-major frames `(T, B, S, S, C)`.
        flow: time-major backward flow `(T - 1, B, S, S, 2)` (`flow[t - 1]` maps
            frame `t` to `t - 1`), or `None` for videos without flow, whose
            clips get zero flows.
        frames_per_clip: K.

    Returns:
        `[clips, flows]`: `((T - K + 1) * B, S, S, K * C)` and
        `((T - K + 1) * B, S, S, 2 * (K - 1))`, clip by clip on the batch axis.

    Example:

    >>> import numpy as np
    >>> clips, flows = temporal_clips(np.zeros((4, 2, 8, 8, 1)), np.zeros((3, 2, 8, 8, 2)), 3)
    >>> tuple(clips.shape), tuple(flows.shape)
    ((4, 8, 8, 3), (4, 8, 8, 4))
    """
    ops = keras.ops
    frames = ops.convert_to_tensor(frames)
    starts = range(frames.shape[0] - frames_per_clip + 1)
    clips = ops.concatenate(
        [ops.concatenate([frames[s + i] for i in range(frames_per_clip)], -1) for s in starts], 0)
    if flow is None:
        flows = ops.repeat(ops.zeros_like(clips[..., :1]), 2 * (frames_per_clip - 1), axis=-1)
    else:
        flow = ops.convert_to_tensor(flow)
        flows = ops.concatenate(
            [ops.concatenate([flow[s + i] for i in range(frames_per_clip - 1)], -1)
             for s in starts], 0)
    return [clips, flows]
