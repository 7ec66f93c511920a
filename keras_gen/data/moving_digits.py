"""Moving digits: short videos of handwritten digits bouncing on a canvas, with
their semantic maps and exact optical flow (the data of `Vid2Vid`)."""

import numbers

import numpy as np

from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.utils import check_positive_int

__all__ = ["BACKGROUND", "bouncing_path", "moving_digits", "digit_classes"]

# Label of pixels that no digit's box covers; digit `d` is labelled `d + 1`.
BACKGROUND = 0


def digit_classes(num_digit_classes=10):
    """Classes of a moving-digits map: background (0) and one per digit (`d + 1`).

    Example:

    >>> digit_classes()
    11
    """
    return check_positive_int("num_digit_classes", num_digit_classes) + 1


def _check_range(name, value, low):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        first, last = value
        valid = all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
        valid = valid and low <= first <= last
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(
            f"Expected `{name}` to be an integer >= {low} or a (min, max) pair of them. "
            f"Received: {name}={value!r}"
        )
    return int(first), int(last)


def _source_digits(source, split, count, seed, data_dir):
    """`(images (n, h, w) in [0, 1], labels (n,))`: MNIST or the caller's digits."""
    if source is None:
        from keras_gen.data.keras_datasets import load_keras_dataset

        images, labels = load_keras_dataset("mnist", split=split, scale="unit", limit=count,
                                            seed=seed, data_dir=data_dir)
    else:
        try:
            images, labels = source
        except (TypeError, ValueError):
            raise ValueError(
                "Expected `source` to be None (MNIST) or an (images, labels) pair. "
                f"Received: source of type {type(source).__name__}"
            ) from None
        images, labels = np.asarray(images, "float32"), np.asarray(labels)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or labels.shape != (len(images),) or len(images) == 0:
        raise ValueError(
            "Expected `source` images shaped (n, h, w[, 1]) with one label each. Received: "
            f"images with shape {images.shape}, labels with shape {labels.shape}"
        )
    if images.min() < 0 or images.max() > 1:
        raise ValueError(
            f"Expected `source` images in [0, 1]. Received: values in "
            f"[{images.min():g}, {images.max():g}]"
        )
    return images, labels.astype("int64")


def _tiles(images, digit_size):
    """Digit tiles resized to `digit_size` and the tight box of their ink in each."""
    from keras_gen.data.image_to_image import resize_images

    if images.shape[1:] != (digit_size, digit_size):
        images = resize_images(images[..., None], digit_size)[..., 0]
    images = np.clip(images, 0.0, 1.0)
    boxes = np.zeros((len(images), 4), "int64")  # x0, y0, x1, y1 (exclusive ends)
    for i, image in enumerate(images):
        rows, cols = np.nonzero(image.max(axis=1) > 0)[0], np.nonzero(image.max(axis=0) > 0)[0]
        if len(rows) == 0:  # a blank image: its whole tile is its box
            boxes[i] = (0, 0, digit_size, digit_size)
        else:
            boxes[i] = (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1)
    return images, boxes


def _trajectory(rng, frames, limit, speed):
    """Integer tile positions `(frames, 2)` (x, y) bouncing inside [0, limit]."""
    position = rng.integers(0, limit + 1, size=2)
    while True:
        velocity = rng.integers(-speed[1], speed[1] + 1, size=2)
        if np.abs(velocity).max() >= max(speed[0], 1):
            break
    return bouncing_path(position, velocity, limit, frames)


def bouncing_path(start, velocity, limit, frames):
    """Integer positions `(frames, 2)` moving by `velocity` and bouncing inside [0, limit].

    Args:
        start: the first position (x, y).
        velocity: the step per frame (x, y); reversed on each axis at a wall.
        limit: the largest position on each axis.
        frames: positions to return.

    Returns:
        An int64 array `(frames, 2)`.

    Example:

    >>> bouncing_path((0, 1), (2, -1), limit=3, frames=4).tolist()
    [[0, 1], [2, 0], [2, 1], [0, 2]]
    """
    position, velocity = np.array(start, "int64"), np.array(velocity, "int64")
    path = np.zeros((frames, 2), "int64")
    for t in range(frames):
        path[t] = position
        position = position + velocity
        for axis in range(2):
            if position[axis] < 0:
                position[axis], velocity[axis] = -position[axis], -velocity[axis]
            elif position[axis] > limit:
                position[axis], velocity[axis] = 2 * limit - position[axis], -velocity[axis]
    return path


def _render(tiles, boxes, classes, paths, size):
    """Frames, maps and owners (index of the front digit, -1 for background)."""
    frames = len(paths[0])
    canvas = np.zeros((frames, size, size), "float32")
    maps = np.full((frames, size, size), BACKGROUND, "uint8")
    owner = np.full((frames, size, size), -1, "int64")
    # Later digits are in front: a box hides what lies behind it.
    for d, (tile, (x0, y0, x1, y1), label, path) in enumerate(zip(tiles, boxes, classes, paths)):
        for t, (x, y) in enumerate(path):
            canvas[t, y + y0 : y + y1, x + x0 : x + x1] = tile[y0:y1, x0:x1]
            maps[t, y + y0 : y + y1, x + x0 : x + x1] = label + 1
            owner[t, y + y0 : y + y1, x + x0 : x + x1] = d
    return canvas, maps, owner


def _flow(owner, paths, size):
    """Backward flow (frame t -> t-1, (dx, dy)) and where both frames see the same point."""
    frames = len(owner)
    flow = np.zeros((frames - 1, size, size, 2), "float32")
    visible = np.zeros((frames - 1, size, size), bool)
    rows, cols = np.mgrid[0:size, 0:size]
    for t in range(1, frames):
        for d, path in enumerate(paths):
            flow[t - 1][owner[t] == d] = path[t - 1] - path[t]
        x = np.clip(cols + flow[t - 1, ..., 0].astype("int64"), 0, size - 1)
        y = np.clip(rows + flow[t - 1, ..., 1].astype("int64"), 0, size - 1)
        visible[t - 1] = owner[t - 1][y, x] == owner[t]
    return flow, visible


def moving_digits(count=64, frames=16, size=64, digits=(1, 2), speed=(1, 3), digit_size=None,
                  split="train", seed=0, source=None, data_dir=None):
    """Videos of `digits` handwritten digits moving and bouncing on a black canvas.

    Each digit (MNIST by default) moves in a straight line at an integer
    velocity of at most `speed[1]` pixels per frame on each axis, bouncing
    off the canvas's edges; later digits pass in front of earlier ones. The
    semantic map labels each pixel with the class of the front digit whose
    *box* (the tight bounding box of its ink) covers it, or background: a
    model must invent each digit's look from its box and keep it as the box
    moves. Positions are integers, so the flow is exact and warping the
    previous frame by it reproduces every pixel visible in both frames.

    Maps are integer label maps (compact, and one-hot encoded by the models
    that read them): `0` is background, `d + 1` is digit `d`, so there are
    `digit_classes() = 11` classes.

    Args:
        count: number of videos.
        frames: frames per video (>= 2).
        size: side of the square canvas.
        digits: digits per video, an integer or a `(min, max)` range.
        speed: largest displacement per frame and axis, or a `(min, max)`
            range: every digit moves at least `min` pixels per frame on one axis.
        digit_size: side of a digit's tile; defaults to 28 (MNIST's) when it
            fits twice in the canvas, `size // 2` otherwise.
        split: MNIST split the digits are drawn from: `"train"`, `"test"`
            (held-out digits) or `"all"`.
        seed: seed of the digits, their classes, positions and velocities.
        source: `(images, labels)` to draw digits from instead of MNIST:
            images `(n, h, w[, 1])` in [0, 1].
        data_dir: folder of the local `mnist.npz` (default `$KERAS_GEN_DATA`).

    Returns:
        A dict of NumPy arrays:
        `frames` float32 `(count, frames, size, size, 1)` in [-1, 1];
        `maps` uint8 `(count, frames, size, size)` class ids;
        `flow` float32 `(count, frames - 1, size, size, 2)`: `flow[:, t - 1]`
        holds `(dx, dy)` such that pixel `(x, y)` of frame `t` shows the point
        at `(x + dx, y + dy)` of frame `t - 1`;
        `visible` bool `(count, frames - 1, size, size)`: that point is seen
        in both frames (not hidden by another box, not newly uncovered);
        `positions` int32 `(count, frames, max_digits, 2)`: `(x, y)` of each
        digit's `digit_size` tile, -1 for absent digits;
        `boxes` int32 `(count, max_digits, 4)`: each digit's box `(x0, y0,
        x1, y1)` (ends excluded) inside its tile, -1 for absent digits;
        `labels` int32 `(count, max_digits)`: each digit's class, -1 if absent.

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> data = moving_digits(count=2, frames=4, size=16, source=load_digits(), seed=1)
    >>> data["frames"].shape, data["maps"].shape, data["flow"].shape
    ((2, 4, 16, 16, 1), (2, 4, 16, 16), (2, 3, 16, 16, 2))
    >>> labels = data["labels"][0][data["labels"][0] >= 0]  # the digits of video 0
    >>> sorted(np.unique(data["maps"][0])) == sorted({0, *(labels + 1)})
    True

    Reference: Srivastava, Mansimov and Salakhutdinov, "Unsupervised Learning
    of Video Representations using LSTMs", ICML 2015 (Moving MNIST); Wang et
    al., "Video-to-Video Synthesis", NeurIPS 2018.
    """
    count = check_positive_int("count", count)
    frames = check_positive_int("frames", frames, minimum=2)
    size = check_positive_int("size", size, minimum=4)
    digits = _check_range("digits", digits, 1)
    speed = _check_range("speed", speed, 0)
    if speed[1] < 1:
        raise ValueError(f"Expected `speed` to allow motion (max >= 1). Received: speed={speed!r}")
    if digit_size is None:
        digit_size = 28 if size >= 56 else size // 2
    digit_size = check_positive_int("digit_size", digit_size, minimum=2)
    if digit_size > size:
        raise ValueError(
            f"Expected `digit_size` <= size ({size}). Received: digit_size={digit_size}"
        )
    check_split(split)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    numbers_of_digits = rng.integers(digits[0], digits[1] + 1, size=count)
    total = int(numbers_of_digits.sum())
    images, classes = _source_digits(source, split, total, seed, data_dir)
    picks = rng.permutation(len(images))[:total] if len(images) >= total else rng.integers(
        0, len(images), size=total)
    tiles, boxes = _tiles(images[picks], digit_size)
    classes = classes[picks]

    output = {
        "frames": np.zeros((count, frames, size, size, 1), "float32"),
        "maps": np.zeros((count, frames, size, size), "uint8"),
        "flow": np.zeros((count, frames - 1, size, size, 2), "float32"),
        "visible": np.zeros((count, frames - 1, size, size), bool),
        "positions": np.full((count, frames, digits[1], 2), -1, "int32"),
        "boxes": np.full((count, digits[1], 4), -1, "int32"),
        "labels": np.full((count, digits[1]), -1, "int32"),
    }
    start = 0
    for i, number in enumerate(numbers_of_digits):
        chosen = slice(start, start + number)
        start += number
        paths = [_trajectory(rng, frames, size - digit_size, speed) for _ in range(number)]
        canvas, maps, owner = _render(tiles[chosen], boxes[chosen], classes[chosen], paths, size)
        output["frames"][i, ..., 0] = canvas * 2.0 - 1.0
        output["maps"][i] = maps
        output["flow"][i], output["visible"][i] = _flow(owner, paths, size)
        output["positions"][i, :, :number] = np.stack(paths, axis=1)
        output["boxes"][i, :number] = boxes[chosen]
        output["labels"][i, :number] = classes[chosen]
    return output
