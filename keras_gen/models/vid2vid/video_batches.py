"""A batch of videos as the Vid2Vid step uses it: time-major tensors and generator inputs."""

import keras

__all__ = ["flat", "generator_inputs", "time_major", "unpack_video_batch"]


def time_major(x):
    """`(B, T, ...)` -> `(T, B, ...)`."""
    return keras.ops.moveaxis(x, 1, 0)


def flat(x):
    """`(T, B, ...)` -> `(T * B, ...)`."""
    return keras.ops.reshape(x, (-1,) + tuple(x.shape[2:]))


def unpack_video_batch(data, num_classes):
    """Time-major one-hot maps, frames, flow and visibility of a `fit` batch, and the blanks.

    Args:
        data: `(x, frames)` with `x` the integer maps `(B, T, S, S)` or a dict
            with `maps`, `flow` `(B, T - 1, S, S, 2)` and `visible`.
        num_classes: classes of the maps.

    Returns:
        `(maps, frames, flow, visible, blanks)`: `(T, B, S, S, num_classes)`,
        `(T, B, S, S, C)`, `(T - 1, B, S, S, 2)` and `(T - 1, B, S, S, 1)` (or
        `None` without flow), and `blanks`, the background map and black frame
        standing for what comes before the first frame.

    Example:

    >>> import numpy as np
    >>> maps, frames, flow, visible, blanks = unpack_video_batch(
    ...     (np.zeros((2, 3, 4, 4), "int32"), np.zeros((2, 3, 4, 4, 1))), num_classes=5)
    >>> tuple(maps.shape), tuple(frames.shape), flow, tuple(blanks[1].shape)
    ((3, 2, 4, 4, 5), (3, 2, 4, 4, 1), None, (2, 4, 4, 1))
    """
    x, frames, _ = keras.utils.unpack_x_y_sample_weight(data)
    ops = keras.ops
    maps, flow, visible = (x["maps"], x.get("flow"), x.get("visible")) if isinstance(
        x, dict) else (x, None, None)
    maps = ops.cast(maps, "int32")
    frames = ops.cast(frames, "float32")
    if flow is not None:
        flow = time_major(ops.cast(flow, "float32"))
        visible = time_major(ops.cast(visible, "float32"))[..., None]
    blanks = (ops.one_hot(ops.zeros_like(maps[:, 0]), num_classes), -ops.ones_like(frames[:, 0]))
    return time_major(ops.one_hot(maps, num_classes)), time_major(frames), flow, visible, blanks


def generator_inputs(maps, frames, t, blanks, history):
    """The generator's inputs for frame `t`: its map, and the `history` maps and frames before.

    Args:
        maps: time-major one-hot maps (a tensor or list indexed by frame).
        frames: the frames generated so far (indexed by frame; at least `t`).
        t: the frame.
        blanks: `(blank_map, blank_frame)` used before the first frame.
        history: previous maps and frames.

    Returns:
        `[map, previous_maps, previous_frames]`, oldest first on channels.

    Example:

    >>> import numpy as np
    >>> maps = np.ones((4, 1, 1, 1, 3), "float32")  # 4 frames of one 1x1 map, 3 classes
    >>> blanks = (np.zeros((1, 1, 1, 3), "float32"), -np.ones((1, 1, 1, 1), "float32"))
    >>> current, previous_maps, previous_frames = generator_inputs(maps, [], 0, blanks, 2)
    >>> tuple(previous_maps.shape), keras.ops.convert_to_numpy(previous_frames).ravel().tolist()
    ((1, 1, 1, 6), [-1.0, -1.0])
    """
    concatenate = keras.ops.concatenate
    previous = range(t - history, t)
    return [maps[t],
            concatenate([maps[i] if i >= 0 else blanks[0] for i in previous], -1),
            concatenate([frames[i] if i >= 0 else blanks[1] for i in previous], -1)]
