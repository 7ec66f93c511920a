"""Frame-by-frame generation of a video, feeding back the generated frames."""

import numpy as np

from keras_gen.utils import check_positive_int

__all__ = ["one_hot_maps", "rollout_video"]


def one_hot_maps(maps, num_classes):
    """One-hot float32 maps `(..., S, S, num_classes)` of integer class ids `(..., S, S)`.

    Example:

    >>> one_hot_maps(np.array([[0, 2]]), 3)[0].tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return np.eye(num_classes, dtype="float32")[np.asarray(maps)]


def rollout_video(step, maps, num_classes, history, channels):
    """Runs a per-frame generator over videos, each frame seeing the frames it made.

    Frame `t` is generated from its map, the `history` maps before it and
    the `history` frames generated before it; before the first frame the
    maps are background (class 0) and the frames black (-1), as in training.

    Args:
        step: a function of `(map, previous_maps, previous_frames)` NumPy
            arrays `(N, S, S, num_classes)`, `(N, S, S, history * num_classes)`,
            `(N, S, S, history * channels)` returning the frames
            `(N, S, S, channels)`: a Keras generator, or an exported artifact's
            runner.
        maps: integer class ids `(N, T, S, S)`.
        num_classes: classes of the maps.
        history: previous maps and frames the generator sees.
        channels: channels of a frame.

    Returns:
        float32 frames `(N, T, S, S, channels)`.

    Example:

    >>> def copy_previous(current, previous_maps, previous_frames):  # a toy "generator"
    ...     return np.maximum(previous_frames[..., -1:], current[..., 1:2] * 2 - 1)
    >>> maps = np.zeros((1, 3, 2, 2), "int32")
    >>> maps[0, 0, 0, 0] = 1  # a pixel of class 1 in the first frame only
    >>> rollout_video(copy_previous, maps, num_classes=2, history=1, channels=1)[0, :, 0, 0, 0]
    array([1., 1., 1.], dtype=float32)
    """
    history = check_positive_int("history", history)
    maps = np.asarray(maps)
    count, frames, height, width = maps.shape
    one_hot = one_hot_maps(maps, num_classes)
    blank_map = one_hot_maps(np.zeros((count, height, width), "int32"), num_classes)
    blank_frame = np.full((count, height, width, channels), -1.0, "float32")
    previous_maps = [blank_map] * history
    previous_frames = [blank_frame] * history
    outputs = np.zeros((count, frames, height, width, channels), "float32")
    for t in range(frames):
        frame = np.asarray(step(one_hot[:, t], np.concatenate(previous_maps, -1),
                                np.concatenate(previous_frames, -1)), "float32")
        outputs[:, t] = frame
        previous_maps = previous_maps[1:] + [one_hot[:, t]]
        previous_frames = previous_frames[1:] + [frame]
    return outputs
