"""Checks of video data (maps, frames, flow) before training or translating."""

import numpy as np

VIDEO_KEYS = ("maps", "flow", "visible")


def _array(name, value):
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and similar
        raise ValueError(f"Expected `{name}` to be an array. Received: {name} of type "
                         f"{type(value).__name__} ({error})") from None
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"Expected `{name}` to hold numbers. Received: {name} with dtype "
                         f"{array.dtype}")
    return array


def check_maps(maps, image_size, num_classes, min_frames, reason="", name="maps"):
    """Integer label maps `(N, T, S, S)` (or one video `(T, S, S)`) as int32 `(N, T, S, S)`."""
    maps = _array(name, maps)
    if maps.ndim == 3:
        maps = maps[None]
    if maps.ndim != 4 or maps.shape[2:] != (image_size, image_size) or len(maps) == 0:
        raise ValueError(
            f"Expected `{name}` to be integer label maps shaped (videos, frames, {image_size}, "
            f"{image_size}) or one video (frames, {image_size}, {image_size}). Received: "
            f"{name} with shape {maps.shape}"
        )
    if maps.shape[1] < 2:
        raise ValueError(
            f"Expected `{name}` to be videos of at least 2 frames. Received: {name} with shape "
            f"{maps.shape} (a video of one frame)"
        )
    if maps.shape[1] < min_frames:
        raise ValueError(
            f"Expected `{name}` to have at least {min_frames} frames ({reason}). Received: "
            f"{name} with shape {maps.shape}"
        )
    if not np.issubdtype(maps.dtype, np.integer):
        if maps.dtype == bool or not np.array_equal(maps, np.round(maps)):
            raise ValueError(f"Expected `{name}` to hold integer class ids. Received: {name} "
                             f"with dtype {maps.dtype}")
    low, high = int(maps.min()), int(maps.max())
    if low < 0 or high >= num_classes:
        raise ValueError(
            f"Expected `{name}` class ids in [0, {num_classes - 1}] (the model's num_classes="
            f"{num_classes}). Received: {name} with ids in [{low}, {high}]"
        )
    return maps.astype("int32")


def check_frames(frames, maps_shape, channels, name="frames"):
    """Frames matching the maps: float32 `(N, T, S, S, channels)` in [-1, 1] (uint8 rescaled)."""
    frames = _array(name, frames)
    if frames.ndim == len(maps_shape) and channels == 1:
        frames = frames[..., None]
    if frames.ndim == 4 and len(maps_shape) == 4:
        frames = frames[None]
    expected = tuple(maps_shape) + (channels,)
    if frames.shape != expected:
        raise ValueError(
            f"Expected `{name}` shaped {expected}: as many videos and frames as `maps`, of the "
            f"same size, with {channels} channels. Received: {name} with shape {frames.shape}, "
            f"maps with shape {tuple(maps_shape)}"
        )
    if frames.dtype == np.uint8:
        return frames.astype("float32") / 127.5 - 1.0
    frames = frames.astype("float32")
    if not np.isfinite(frames).all() or frames.min() < -1.0 or frames.max() > 1.0:
        raise ValueError(f"Expected `{name}` in [-1, 1] (or uint8). Received: {name} with values "
                         f"in [{np.nanmin(frames):g}, {np.nanmax(frames):g}]")
    return frames


def check_flow(flow, maps_shape, name="flow"):
    """Backward flow `(N, T - 1, S, S, 2)` of the videos, float32."""
    flow = _array(name, flow)
    count, frames, height, width = maps_shape
    expected = (count, frames - 1, height, width, 2)
    if flow.shape != expected:
        raise ValueError(
            f"Expected `{name}` shaped {expected}: (dx, dy) from each frame to the one before, "
            f"for every video of `maps` {tuple(maps_shape)}. Received: {name} with shape "
            f"{flow.shape}"
        )
    flow = flow.astype("float32")
    if not np.isfinite(flow).all():
        raise ValueError(f"Expected `{name}` to hold finite values. Received: NaN/Inf in {name}")
    return flow


def check_visible(visible, maps_shape, name="visible"):
    """Visibility `(N, T - 1, S, S)` of each pixel in the frame before, as float32 0/1."""
    visible = _array(name, visible)
    count, frames, height, width = maps_shape
    expected = (count, frames - 1, height, width)
    if visible.shape != expected:
        raise ValueError(f"Expected `{name}` shaped {expected}, like `flow` without its last "
                         f"axis. Received: {name} with shape {visible.shape}")
    return (visible > 0).astype("float32")


def check_video_data(x, y, image_size, num_classes, channels, min_frames, reason=""):
    """Checks `fit`/`evaluate` arrays: `x` maps or a dict of `VIDEO_KEYS`, `y` frames.

    Returns `(x, y)` converted (maps int32, frames/flow/visible float32), or
    `None` when `x` is a dataset (its batches are not checked here).
    """
    if isinstance(x, dict):
        unknown = sorted(set(x) - set(VIDEO_KEYS))
        if unknown or "maps" not in x:
            raise ValueError(f"Expected `x` to be label maps or a dict with 'maps' and optional "
                             f"'flow' and 'visible'. Received: x with keys {sorted(x)}")
        if "visible" in x and "flow" not in x:
            raise ValueError("Expected `x['flow']` with `x['visible']` (visibility is that of "
                             "the flow). Received: x with keys " + str(sorted(x)))
        data = dict(x)
    elif isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "__array__"):
        data = {"maps": x}
    else:
        return None
    if y is None:
        raise ValueError("Expected `y`, the frames of the videos of `x`. Received: y=None")
    maps = check_maps(data["maps"], image_size, num_classes, min_frames, reason)
    checked = {"maps": maps}
    if "flow" in data:
        checked["flow"] = check_flow(data["flow"], maps.shape)
        checked["visible"] = (check_visible(data["visible"], maps.shape) if "visible" in data
                              else np.ones(maps.shape[:1] + (maps.shape[1] - 1,) + maps.shape[2:],
                                           "float32"))
    return checked, check_frames(y, maps.shape, channels)
