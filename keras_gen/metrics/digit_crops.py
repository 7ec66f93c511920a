"""Per-frame quality of generated digits: classifier accuracy and FID of their crops."""

import numpy as np

from keras_gen.metrics.feature_extractor import feature_classifier
from keras_gen.metrics.feature_extractor import weights_path
from keras_gen.metrics.frechet_distance import fid_score

__all__ = ["digit_crops", "digit_crop_quality", "load_digit_classifier"]

# The shipped classifier reads MNIST-sized digits.
CLASSIFIER_SIZE = 28


def _overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def digit_crops(frames, positions, labels, boxes=None, digit_size=28):
    """Cuts each digit's tile out of every frame, skipping tiles another digit reaches.

    Args:
        frames: videos `(N, T, H, W[, 1])`.
        positions: `(N, T, D, 2)` tile corners `(x, y)` per frame and digit
            (-1 for absent digits), as `keras_gen.data.moving_digits` returns.
        labels: `(N, D)` digit classes (-1 for absent digits).
        boxes: `(N, D, 4)` ink boxes `(x0, y0, x1, y1)` inside the tiles; a crop
            is kept when no other digit's box enters its tile. Without boxes,
            when no other digit's tile does.
        digit_size: side of the tiles.

    Returns:
        `(crops, classes)`: float32 `(M, digit_size, digit_size, 1)` in the
        range of `frames`, and int64 `(M,)`.

    Example:

    >>> frames = np.zeros((1, 2, 8, 8))
    >>> positions = np.array([[[[0, 0], [4, 4]], [[1, 1], [4, 4]]]])  # 2 frames, 2 digits
    >>> crops, classes = digit_crops(frames, positions, np.array([[3, 5]]), digit_size=4)
    >>> crops.shape, classes.tolist()  # in frame 1 the two tiles meet: both are skipped
    ((2, 4, 4, 1), [3, 5])
    """
    frames = np.asarray(frames, "float32")
    if frames.ndim == 4:
        frames = frames[..., None]
    positions, labels = np.asarray(positions), np.asarray(labels)
    count, length = frames.shape[:2]
    if positions.shape[:2] != (count, length) or labels.shape != (count, positions.shape[2]):
        raise ValueError(
            f"Expected `positions` (N, T, D, 2) and `labels` (N, D) for frames of shape "
            f"{frames.shape}. Received: positions with shape {positions.shape}, labels with "
            f"shape {labels.shape}")
    if boxes is None:
        boxes = np.where(labels[..., None] >= 0, [0, 0, digit_size, digit_size], -1)
    crops, classes = [], []
    for n in range(count):
        present = [d for d in range(labels.shape[1]) if labels[n, d] >= 0]
        for t in range(length):
            for d in present:
                x, y = positions[n, t, d]
                tile = (x, y, x + digit_size, y + digit_size)
                if any(_overlaps(tile, (positions[n, t, e, 0] + boxes[n, e, 0],
                                        positions[n, t, e, 1] + boxes[n, e, 1],
                                        positions[n, t, e, 0] + boxes[n, e, 2],
                                        positions[n, t, e, 1] + boxes[n, e, 3]))
                       for e in present if e != d):
                    continue
                crops.append(frames[n, t, y : y + digit_size, x : x + digit_size])
                classes.append(labels[n, d])
    crops = np.asarray(crops, "float32").reshape((-1, digit_size, digit_size, frames.shape[-1]))
    return crops, np.asarray(classes, "int64")


def load_digit_classifier():
    """The shipped MNIST classifier (logits of `(28, 28, 1)` images in [0, 1]).

    Example:

    >>> load_digit_classifier().output_shape
    (None, 10)
    """
    classifier = feature_classifier()
    with np.load(weights_path("mnist")) as stored:
        classifier.set_weights([stored[f"w{i}"].astype("float32")
                                for i in range(len(classifier.weights))])
    return classifier


def _to_classifier(crops, value_range):
    from keras_gen.data.image_to_image import resize_images

    low, high = value_range
    crops = (np.asarray(crops, "float32") - low) / float(high - low)
    if crops.shape[1] != CLASSIFIER_SIZE:
        crops = resize_images(crops, CLASSIFIER_SIZE)
    return np.clip(crops, 0.0, 1.0)


def digit_crop_quality(frames, real_frames, positions, labels, boxes=None, digit_size=28,
                       value_range=(-1.0, 1.0), batch_size=500):
    """Class accuracy and FID of generated digit crops, with the shipped MNIST classifier.

    Every digit tile free of other digits (see `digit_crops`) is cut out of
    the generated and the real frames at the same place; the generated crops
    are classified (accuracy against the digit's label), and the Fréchet
    distance between the classifier's features of both sets of crops is the
    FID.

    Args:
        frames: generated videos `(N, T, H, W[, 1])`.
        real_frames: the real videos they render, same shape.
        positions, labels, boxes, digit_size: as `digit_crops`.
        value_range: range of the frames' values.
        batch_size: crops per classifier call.

    Returns:
        A dict: `accuracy` (fraction of generated crops classified as their
        digit), `real_accuracy` (the same on the real crops), `fid` and
        `crops` (how many crops of each set).

    Example:

    >>> from keras_gen.data import moving_digits, load_digits
    >>> data = moving_digits(count=4, frames=3, size=16, digits=1, source=load_digits(), seed=0)
    >>> quality = digit_crop_quality(data["frames"], data["frames"], data["positions"],
    ...                              data["labels"], data["boxes"], digit_size=8)
    >>> quality["crops"], quality["fid"], quality["accuracy"] == quality["real_accuracy"]
    (12, 0.0, True)
    """
    import keras

    frames, real_frames = np.asarray(frames), np.asarray(real_frames)
    if frames.shape != real_frames.shape:
        raise ValueError(
            f"Expected `frames` and `real_frames` of the same shape. Received: frames with "
            f"shape {frames.shape}, real_frames with shape {real_frames.shape}")
    crops, classes = digit_crops(frames, positions, labels, boxes, digit_size)
    real, _ = digit_crops(real_frames, positions, labels, boxes, digit_size)
    if len(crops) < 2:
        raise ValueError(f"Expected at least 2 digit crops free of other digits. Received: "
                         f"{len(crops)} crops")
    crops, real = _to_classifier(crops, value_range), _to_classifier(real, value_range)
    classifier = load_digit_classifier()

    def accuracy(images):
        logits = np.concatenate([
            keras.ops.convert_to_numpy(classifier(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)])
        return float(np.mean(logits.argmax(axis=-1) == classes))

    return {"accuracy": accuracy(crops), "real_accuracy": accuracy(real),
            "fid": fid_score(real, crops, "mnist", (0.0, 1.0), batch_size),
            "crops": int(len(crops))}
