"""Checks that two image sets can be compared: one shape, one value range."""

import numpy as np

__all__ = ["check_image_sets", "check_value_ranges"]

def _looks_like(low, high):
    """The usual range a set of values `[low, high]` clearly comes from, or None.

    Only clear cases count, so that a young generator's grey images near 0
    are not taken for a range of their own: clearly negative values mean
    [-1, 1], values well above 1 mean [0, 255], and values from about 0 to
    at least 0.5, none negative, mean [0, 1].
    """
    if low < -0.1 and high <= 1.01:
        return -1.0, 1.0
    if high > 1.5 and low >= -0.01 and high <= 255.5:
        return 0.0, 255.0
    if -0.01 <= low <= 0.1 and 0.5 <= high <= 1.01:
        return 0.0, 1.0
    return None


def _describe(low, high):
    usual = _looks_like(low, high)
    seen = f"values in [{low:.3g}, {high:.3g}]"
    return seen + (f" (looks like [{usual[0]:g}, {usual[1]:g}])" if usual else "")


def check_value_ranges(real, generated, value_range, names=("real_images", "generated_images")):
    """Raises `ValueError` unless both observed ranges fit `value_range` and each other.

    Args:
        real: `(min, max)` seen in the real images.
        generated: `(min, max)` seen in the generated images.
        value_range: the `(low, high)` both are declared to lie in.
        names: how to name the two sets in the message.

    Example:

    >>> check_value_ranges((0.0, 1.0), (-1.0, 0.98), (-1, 1))
    Traceback (most recent call last):
    ...
    ValueError: Expected `real_images` and `generated_images` to share a value range.
    Received: real_images values in [0, 1] (looks like [0, 1]),
    generated_images values in [-1, 0.98] (looks like [-1, 1])
    """
    low, high = (float(value) for value in value_range)
    if not low < high:
        raise ValueError(f"Expected `value_range` to be (low, high) with low < high. "
                         f"Received: value_range={value_range!r}")
    slack = 0.01 * (high - low)
    for name, (seen_low, seen_high) in zip(names, (real, generated)):
        if not (np.isfinite(seen_low) and np.isfinite(seen_high)):
            raise ValueError(f"Expected `{name}` to hold finite values. Received: NaN or Inf")
        if seen_low < low - slack or seen_high > high + slack:
            raise ValueError(f"Expected `{name}` values in value_range=({low:g}, {high:g}). "
                             f"Received: {name} {_describe(seen_low, seen_high)}")
    looks = [_looks_like(*observed) for observed in (real, generated)]
    if looks[0] and looks[1] and looks[0] != looks[1]:
        raise ValueError(
            f"Expected `{names[0]}` and `{names[1]}` to share a value range. Received: "
            f"{names[0]} {_describe(*real)}, {names[1]} {_describe(*generated)}"
        )


def check_image_sets(real_images, generated_images, value_range):
    """Checks two image sets before their features are compared.

    Both must hold at least two finite images of one shape, with values in
    `value_range`; and they must look alike in range: samples of a `tanh`
    generator in [-1, 1] against test images in [0, 1] would otherwise give
    a figure that means nothing.

    Args:
        real_images: array `(n, ...)`.
        generated_images: array `(m, ...)`.
        value_range: `(low, high)` of both.

    Returns:
        The two arrays as float32.

    Example:

    >>> real, fake = np.zeros((4, 8, 8, 1)), np.zeros((4, 8, 8, 3))
    >>> check_image_sets(real, fake, (0, 1))
    Traceback (most recent call last):
    ...
    ValueError: Expected `real_images` and `generated_images` of one image shape.
    Received: real_images with shape (4, 8, 8, 1), generated_images with shape (4, 8, 8, 3)
    """
    sets = []
    for name, images in (("real_images", real_images), ("generated_images", generated_images)):
        array = np.asarray(images, dtype="float32")
        if array.ndim < 2 or len(array) < 2:
            raise ValueError(f"Expected `{name}` to hold at least two images (n, ...). "
                             f"Received: {name} with shape {array.shape}")
        sets.append(array)
    real, generated = sets
    if real.shape[1:] != generated.shape[1:]:
        raise ValueError(
            "Expected `real_images` and `generated_images` of one image shape. Received: "
            f"real_images with shape {real.shape}, generated_images with shape {generated.shape}"
        )
    check_value_ranges((float(real.min()), float(real.max())),
                       (float(generated.min()), float(generated.max())), value_range)
    return real, generated
