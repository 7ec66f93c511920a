"""Warping error: how far each frame of a video is from the previous one moved by the flow."""

import numpy as np

__all__ = ["warp_frames", "warping_error"]


def warp_frames(frames, flow):
    """Backward-warps frames by a flow, bilinearly with edge clamping, in NumPy.

    Args:
        frames: `(N, H, W, C)` frames (frame t - 1 of each pair).
        flow: `(N, H, W, 2)` backward flow `(dx, dy)` of the next frames: pixel
            `(x, y)` of frame t shows the point `(x + dx, y + dy)` of frame t - 1.

    Returns:
        float64 `(N, H, W, C)`: frame t - 1 moved onto frame t.

    Example:

    >>> frame = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> flow = np.zeros((1, 3, 3, 2))
    >>> flow[..., 1] = -1.0  # every pixel shows the one above it
    >>> warp_frames(frame, flow)[0, :, :, 0]
    array([[0., 1., 2.],
           [0., 1., 2.],
           [3., 4., 5.]])
    """
    frames = np.asarray(frames, "float64")
    flow = np.asarray(flow, "float64")
    count, height, width, _ = frames.shape
    rows, cols = np.mgrid[0:height, 0:width]
    x = np.clip(cols + flow[..., 0], 0, width - 1)
    y = np.clip(rows + flow[..., 1], 0, height - 1)
    x0, y0 = np.floor(x).astype("int64"), np.floor(y).astype("int64")
    x1, y1 = np.minimum(x0 + 1, width - 1), np.minimum(y0 + 1, height - 1)
    wx, wy = (x - x0)[..., None], (y - y0)[..., None]
    batch = np.arange(count)[:, None, None]
    top = frames[batch, y0, x0] * (1 - wx) + frames[batch, y0, x1] * wx
    bottom = frames[batch, y1, x0] * (1 - wx) + frames[batch, y1, x1] * wx
    return top * (1 - wy) + bottom * wy


def warping_error(frames, flow, visible=None):
    """Mean absolute difference between each frame and the previous frame warped by `flow`.

    For every pair of consecutive frames, the previous frame is warped onto
    the next by the (true) backward flow, and their absolute difference is
    averaged over the pixels visible in both frames (and over channels); the
    result is the mean over all pairs of all videos. A video whose content
    moves exactly with the flow scores 0; one that redraws its content
    differently in each frame (flicker) scores high. Lai et al. average the
    squared difference; the absolute difference is used here (on the scale of
    `frames`), so that the error reads in pixel values.

    Args:
        frames: videos `(N, T, H, W[, C])` (or one video `(T, H, W[, C])`).
        flow: backward flow `(N, T - 1, H, W, 2)` of each frame to the previous.
        visible: `(N, T - 1, H, W)` mask of the pixels seen in both frames of
            each pair (default: every pixel).

    Returns:
        The warping error, a float >= 0.

    Example:

    >>> video = np.zeros((3, 4, 4))
    >>> video[0, 1, 0] = video[1, 1, 1] = video[2, 1, 2] = 1.0  # a dot moving right
    >>> flow = np.zeros((2, 4, 4, 2))
    >>> flow[..., 0] = -1.0  # each pixel comes from its left neighbour
    >>> visible = np.ones((2, 4, 4), bool)
    >>> visible[..., 0] = False  # the first column enters from outside the frame
    >>> warping_error(video, flow, visible)
    0.0
    >>> round(warping_error(video[[0, 0, 0]], flow, visible), 4)  # a dot left behind
    0.0833

    Reference: Lai, Huang, Wang, Shechtman, Yumer and Yang, "Learning Blind
    Video Temporal Consistency", ECCV 2018 (section 5.1, warping error).
    """
    frames = np.asarray(frames, "float64")
    flow = np.asarray(flow, "float64")
    if frames.ndim in (3, 4) and flow.ndim == 4:
        frames, flow = frames[None], flow[None]
        visible = None if visible is None else np.asarray(visible)[None]
    if frames.ndim == 4:
        frames = frames[..., None]
    if frames.ndim != 5 or frames.shape[1] < 2:
        raise ValueError(
            "Expected `frames` to be videos (N, T, H, W[, C]) of at least 2 frames. "
            f"Received: frames with shape {frames.shape}")
    count, length, height, width, _ = frames.shape
    if flow.shape != (count, length - 1, height, width, 2):
        raise ValueError(
            f"Expected `flow` shaped {(count, length - 1, height, width, 2)} for frames of "
            f"shape {frames.shape}. Received: flow with shape {flow.shape}")
    if visible is None:
        visible = np.ones(flow.shape[:-1], bool)
    visible = np.asarray(visible)
    if visible.shape != flow.shape[:-1]:
        raise ValueError(f"Expected `visible` shaped {flow.shape[:-1]}. Received: visible "
                         f"with shape {visible.shape}")
    previous = frames[:, :-1].reshape((-1, height, width, frames.shape[-1]))
    warped = warp_frames(previous, flow.reshape((-1, height, width, 2)))
    difference = np.abs(frames[:, 1:].reshape(warped.shape) - warped).mean(axis=-1)
    mask = visible.reshape(difference.shape).astype("float64")
    per_pair = (difference * mask).sum(axis=(1, 2)) / np.maximum(mask.sum(axis=(1, 2)), 1.0)
    return float(per_pair.mean())
