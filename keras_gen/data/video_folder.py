"""Users' own videos: folders of frame PNGs with label-map PNGs, `.npz` archives, windows."""

import os

import numpy as np

from keras_gen.utils import check_positive_int

__all__ = ["load_video_folder", "load_video_npz", "video_windows"]

PNG = (".png",)
# Arrays indexed by frame, by frame pair (flow), and by video, in a video dict.
PER_FRAME = ("frames", "maps", "positions")
PER_PAIR = ("flow", "visible")
PER_VIDEO = ("labels", "boxes")


def _pngs(folder):
    return sorted(n for n in os.listdir(folder) if n.lower().endswith(PNG)
                  and os.path.isfile(os.path.join(folder, n)))


def _videos(root):
    """`{video name: folder}`: subfolders of `root`, or `root` itself when it holds PNGs."""
    subfolders = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)))
    if _pngs(root):
        if subfolders:
            raise ValueError(f"Expected `path` folder {root!r} to hold either PNG frames (one "
                             f"video) or one subfolder per video, not both. Received: "
                             f"subfolders {subfolders}")
        return {"": root}
    return {name: os.path.join(root, name) for name in subfolders}


def _read(path, mode, size, resample):
    from PIL import Image

    with Image.open(path) as image:
        if mode == "map" and image.mode not in ("L", "P", "I", "I;16"):
            raise ValueError(f"Expected label maps as single-channel PNGs of class ids. "
                             f"Received: {path!r} in mode {image.mode}")
        image = image.convert({"map": "L" if image.mode in ("L", "P") else "I",
                               "grayscale": "L", "rgb": "RGB"}[mode])
        if size is not None and image.size != (size, size):
            image = image.resize((size, size), resample)
        return np.asarray(image)


def _stack(name, images, folder):
    shapes = sorted({image.shape for image in images})
    if len(shapes) != 1:
        raise ValueError(f"Expected every {name} of a video to have one size. Received: sizes "
                         f"{shapes} in {folder!r}")
    return np.stack(images)


def load_video_folder(path, image_size=None, color_mode="rgb", length=None, stride=None):
    """Loads videos stored as PNG files: label maps, and the frames they render.

    Layout: `path/maps/<video>/<frame>.png` holds the label maps (single
    channel, pixel value = class id; 8- or 16-bit) and `path/frames/<video>/
    <frame>.png` the frames with the same file names; the `<video>` level may
    be left out for a single video. Frames sort by file name. `frames/` may
    be absent (maps to translate).

    Args:
        path: the folder holding `maps/` (and `frames/`).
        image_size: side to resize every frame (bilinearly) and map (nearest)
            to; `None` keeps the stored size (all videos must share it).
        color_mode: `"rgb"` or `"grayscale"` frames.
        length: cut each video into windows of this many frames (see
            `video_windows`); `None` requires all videos to be equally long.
        stride: frames between window starts (default `length`).

    Returns:
        A dict: `maps` uint8/int32 `(N, T, S, S)`, `frames` float32
        `(N, T, S, S, C)` in [-1, 1] when `frames/` exists, and `videos`, the
        video (folder) name of each row.

    Example:

    >>> import tempfile
    >>> from PIL import Image
    >>> root = tempfile.mkdtemp()
    >>> for kind in ("maps", "frames"):
    ...     os.makedirs(os.path.join(root, kind, "clip"))
    ...     for t in range(3):
    ...         pixels = np.full((8, 8), t * (1 if kind == "maps" else 100), "uint8")
    ...         Image.fromarray(pixels).save(os.path.join(root, kind, "clip", f"{t:03d}.png"))
    >>> data = load_video_folder(root, color_mode="grayscale")
    >>> data["maps"].shape, data["frames"].shape, data["videos"], data["maps"][0, :, 0, 0].tolist()
    ((1, 3, 8, 8), (1, 3, 8, 8, 1), ['clip'], [0, 1, 2])
    """
    from PIL import Image

    path = os.fspath(path)
    maps_root, frames_root = os.path.join(path, "maps"), os.path.join(path, "frames")
    if not os.path.isdir(maps_root):
        raise ValueError(f"Expected `path` to be a folder holding maps/ (and frames/). "
                         f"Received: path={path!r}")
    if color_mode not in ("rgb", "grayscale"):
        raise ValueError(f"Expected `color_mode` to be 'rgb' or 'grayscale'. Received: "
                         f"color_mode={color_mode!r}")
    if image_size is not None:
        image_size = check_positive_int("image_size", image_size)
    videos = _videos(maps_root)
    with_frames = os.path.isdir(frames_root)
    frame_videos = _videos(frames_root) if with_frames else {}
    if with_frames and sorted(frame_videos) != sorted(videos):
        raise ValueError(f"Expected the same videos in maps/ and frames/. Received: path="
                         f"{path!r} with maps of {sorted(videos)}, frames of {sorted(frame_videos)}")
    if not videos:
        raise ValueError(f"Expected PNG label maps in {maps_root!r}. Received: none")
    loaded = []
    for name, folder in videos.items():
        files = _pngs(folder)
        if with_frames and _pngs(frame_videos[name]) != files:
            missing = sorted(set(files) ^ set(_pngs(frame_videos[name])))
            raise ValueError(f"Expected a frame for every map of video {name or path!r} (same "
                             f"file names). Received: path={path!r}, unmatched files {missing}")
        if len(files) < 2:
            raise ValueError(f"Expected videos of at least 2 frames. Received: path={path!r}, "
                             f"video {name!r} with {len(files)} frame(s)")
        maps = _stack("map", [_read(os.path.join(folder, f), "map", image_size, Image.NEAREST)
                              for f in files], folder)
        frames = None
        if with_frames:
            frames = _stack("frame", [_read(os.path.join(frame_videos[name], f), color_mode,
                                            image_size, Image.BILINEAR) for f in files], folder)
            if frames.shape[:3] != maps.shape:
                raise ValueError(f"Expected frames of the size of their maps. Received: path="
                                 f"{path!r}, video {name!r}: maps {maps.shape[1:]}, frames "
                                 f"{frames.shape[1:3]}")
        loaded.append((name, maps, frames))
    sizes = sorted({maps.shape[1:] for _, maps, _ in loaded})
    if len(sizes) != 1:
        raise ValueError(f"Expected all videos of one size (or `image_size`). Received: path="
                         f"{path!r} with sizes {sizes}")
    if length is None:
        lengths = sorted({len(maps) for _, maps, _ in loaded})
        if len(lengths) != 1:
            raise ValueError(f"Expected videos of one length, or `length` to cut them into "
                             f"windows. Received: path={path!r} with lengths {lengths}")
        length = lengths[0]
    rows = []
    for name, maps, frames in loaded:
        video = {"maps": maps[None].astype("uint8" if maps.max() < 256 else "int32")}
        if frames is not None:
            frames = frames.astype("float32") / 127.5 - 1.0
            video["frames"] = frames[None] if frames.ndim == 4 else frames[None, ..., None]
        windows = video_windows(video, length, stride)
        windows["videos"] = [name or os.path.basename(os.path.normpath(path))] * len(
            windows["maps"])
        rows.append(windows)
    return {key: (sum((row[key] for row in rows), []) if key == "videos"
                  else np.concatenate([row[key] for row in rows])) for key in rows[0]}


def load_video_npz(path, length=None, stride=None):
    """Loads videos from an `.npz` archive: `maps` and optionally `frames`, `flow`, `visible`.

    `np.savez(path, **keras_gen.data.moving_digits(...))` writes one.

    Args:
        path: the `.npz` file: `maps` `(N, T, S, S)` integer class ids,
            `frames` `(N, T, S, S[, C])` (uint8, or float in [-1, 1]), `flow`
            `(N, T - 1, S, S, 2)`, `visible` `(N, T - 1, S, S)`.
        length, stride: cut the videos into windows (see `video_windows`).

    Returns:
        A dict of the arrays found (frames as float32 `(N, T, S, S, C)` in [-1, 1]).

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "videos.npz")
    >>> np.savez(path, maps=np.zeros((2, 4, 8, 8), "uint8"), frames=np.zeros((2, 4, 8, 8), "uint8"))
    >>> data = load_video_npz(path, length=2)
    >>> data["maps"].shape, data["frames"].shape, float(data["frames"].min())
    ((4, 2, 8, 8), (4, 2, 8, 8, 1), -1.0)
    """
    path = os.fspath(path)
    if not (path.endswith(".npz") and os.path.isfile(path)):
        raise ValueError(f"Expected `path` to be an existing .npz file. Received: path={path!r}")
    with np.load(path) as archive:
        if "maps" not in archive.files:
            raise ValueError(f"Expected an array named 'maps' in the archive. Received: "
                             f"path={path!r} with arrays {archive.files}")
        data = {key: archive[key] for key in PER_FRAME + PER_PAIR + PER_VIDEO
                if key in archive.files}
    maps = data["maps"]
    if maps.ndim != 4 or maps.shape[1] < 2:
        raise ValueError(f"Expected `maps` shaped (videos, frames >= 2, S, S) in {path!r}. "
                         f"Received: maps with shape {maps.shape}")
    if "frames" in data:
        frames = data["frames"]
        frames = frames[..., None] if frames.ndim == 4 else frames
        if frames.shape[:4] != maps.shape:
            raise ValueError(f"Expected `frames` with the videos, frames and size of `maps` in "
                             f"{path!r}. Received: frames with shape {data['frames'].shape}, "
                             f"maps with shape {maps.shape}")
        data["frames"] = (frames.astype("float32") / 127.5 - 1.0 if frames.dtype == np.uint8
                          else frames.astype("float32"))
    return data if length is None else video_windows(data, length, stride)


def video_windows(data, length, stride=None):
    """Cuts every video of a video dict into windows of `length` consecutive frames.

    Per-frame arrays (`frames`, `maps`, `positions`) are cut along time,
    per-pair arrays (`flow`, `visible`) keep the `length - 1` pairs inside
    each window, per-video arrays (`labels`, `boxes`) are repeated; the rest
    of each video is dropped.

    Args:
        data: a dict as `moving_digits` or the loaders return.
        length: frames per window (>= 2).
        stride: frames from one window's start to the next (default `length`).

    Returns:
        A dict of the same arrays with `N * windows` videos of `length` frames.

    Example:

    >>> data = {"maps": np.zeros((2, 5, 4, 4)), "flow": np.zeros((2, 4, 4, 4, 2))}
    >>> windows = video_windows(data, length=2)
    >>> windows["maps"].shape, windows["flow"].shape
    ((4, 2, 4, 4), (4, 1, 4, 4, 2))
    """
    length = check_positive_int("length", length, minimum=2)
    stride = length if stride is None else check_positive_int("stride", stride)
    frames = np.shape(data["maps"])[1]
    if frames < length:
        raise ValueError(f"Expected videos of at least `length` frames. Received: length="
                         f"{length} for videos of {frames} frames")
    starts = range(0, frames - length + 1, stride)
    windows = {}
    for key, value in data.items():
        if key in PER_FRAME:
            parts = [value[:, s : s + length] for s in starts]
        elif key in PER_PAIR:
            parts = [value[:, s : s + length - 1] for s in starts]
        elif key in PER_VIDEO:
            parts = [value for _ in starts]
        else:
            continue
        windows[key] = np.stack(parts, axis=1).reshape((-1,) + parts[0].shape[1:])
    return windows
