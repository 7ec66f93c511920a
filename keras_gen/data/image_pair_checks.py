"""Shape checks of image pairs before training (shared by Pix2Pix and CycleGAN)."""

import keras
import numpy as np

from keras_gen.utils.data_checks import check_data
from keras_gen.utils.data_checks import is_array_like

# Image batches train a tanh generator: floats in [-1, 1] (a little slack for rounding).
_RANGE = (-1.0 - 1e-6, 1.0 + 1e-6)
_REASON = "the range of the generators' tanh output; rescale, e.g. x / 127.5 - 1"


def _shape(value):
    shape = getattr(value, "shape", None)
    if shape is None:
        value = np.asarray(value)
        shape = value.shape
    return tuple(None if s is None else int(s) for s in shape)


def peek_pair(x, y=None):
    """Returns the shapes of the two image batches `fit(x, y)` will see.

    Accepts arrays (`x` and `y`, or `x` a pair), a `keras.utils.PyDataset`
    (its first batch), a `tf.data.Dataset` (its element spec) or anything
    else, for which `None` is returned and the step's shapes decide.
    """
    if y is not None:
        return _shape(x), _shape(y)
    if isinstance(x, (tuple, list)) and len(x) == 2:
        return _shape(x[0]), _shape(x[1])
    if isinstance(x, keras.utils.PyDataset):
        batch = x[0]
        first, second, _ = keras.utils.unpack_x_y_sample_weight(batch)
        if second is None and isinstance(first, (tuple, list)) and len(first) == 2:
            first, second = first
        if second is None:
            return None
        return _shape(first), _shape(second)
    spec = getattr(x, "element_spec", None)
    if isinstance(spec, (tuple, list)) and len(spec) >= 2:
        return tuple(spec[0].shape), tuple(spec[1].shape)
    return None


def check_images(name, shape, image_size, channels):
    """Raises `ValueError` unless `shape` is `(N, image_size, image_size, channels)`."""
    expected = (image_size, image_size, channels)
    if len(shape) != 4 or tuple(shape[1:]) != expected:
        raise ValueError(
            f"Expected `{name}` images of shape (N, {image_size}, {image_size}, {channels}) "
            f"to match the model. Received: {name} with shape {shape}"
        )


def check_same_count(first_name, first, second_name, second):
    if first[0] is not None and second[0] is not None and first[0] != second[0]:
        raise ValueError(
            f"Expected as many `{second_name}` as `{first_name}` images. Received: "
            f"{first_name} with shape {first}, {second_name} with shape {second}"
        )


def to_image_batch(name, images, image_size, channels):
    """Checks images for inference and returns them as float32 in [-1, 1] order NHWC."""
    array = check_data(name, images, dtype=None, allow_empty=True)
    if not isinstance(array, np.ndarray):
        raise ValueError(f"Expected `{name}` to be an array of images. Received: {name} of type "
                         f"{type(images).__name__}")
    if array.ndim == 3:  # one image
        array = array[None]
    check_images(name, array.shape, image_size, channels)
    if array.dtype == np.uint8:
        return check_data(name, array).astype("float32") / 127.5 - 1.0
    return check_data(name, array, value_range=_RANGE, reason=_REASON)


def check_image_pairs(x, y, image_size, first, second):
    """Checks `fit`/`evaluate` data of two image sets before any work.

    Args:
        x, y: the data as given to `fit` (arrays, a tuple, or a dataset).
        image_size: the model's square side.
        first, second: `(name, channels)` of the two image sets.
    """
    shapes = peek_pair(x, y)
    if shapes is None:
        return
    check_images(first[0], shapes[0], image_size, first[1])
    check_images(second[0], shapes[1], image_size, second[1])
    check_same_count(first[0], shapes[0], second[0], shapes[1])
    if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
        x, y = x
    for (name, _), images in ((first, x), (second, y)):
        if is_array_like(images):  # the values too: numbers, at least one, finite, in range
            check_data(name, images, value_range=_RANGE, reason=_REASON)
