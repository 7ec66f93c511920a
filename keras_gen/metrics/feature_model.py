"""Feature models for FID/KID/precision-recall on images of any shape.

`load_feature_model(spec, image_shape)` returns a Keras model from images of
`image_shape` with values in [0, 1] to feature vectors:

- `"mnist"`, `"fashion_mnist"`: the small classifiers shipped with keras-gen
  (28×28 greyscale); other sizes are resized to 28×28 and colour turned to
  grey first, so 8×8 digits and 32×32 colour images get a figure too.
- `"inception"`: InceptionV3's 2048 pooled features (`keras.applications`),
  the usual FID; images are resized to 299×299 and grey repeated to RGB. The
  ImageNet weights are read from a local file when there is one (`weights=`,
  `$KERAS_GEN_DATA/` or Keras's cache `~/.keras/models/`) or downloaded by
  Keras; without either, a clear error says where to put the file.
- a path to a `.keras` model, or a `keras.Model`: used as it is; its input
  must take the images (same height, width, channels) in [0, 1].
"""

import os

import keras
import numpy as np

__all__ = ["FEATURE_MODELS", "INCEPTION_WEIGHTS", "inception_weights_path", "load_feature_model"]

FEATURE_MODELS = ("mnist", "fashion_mnist", "inception")
# The file keras.applications.InceptionV3(include_top=False) downloads, where from,
# and its MD5 (as keras/src/applications/inception_v3.py has them).
INCEPTION_WEIGHTS = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
_INCEPTION_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
                  + INCEPTION_WEIGHTS)
_INCEPTION_MD5 = "bcbd6486424b2319ff4ef7d526e38f63"
INCEPTION_SIZE = 299
_LUMA = (0.299, 0.587, 0.114)


def _check_image_shape(image_shape):
    try:
        shape = tuple(int(size) for size in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or len(shape) not in (2, 3) or min(shape) < 1 or (
            len(shape) == 3 and shape[-1] not in (1, 3)):
        raise ValueError("Expected `image_shape` to be (height, width) or (height, width, 1|3). "
                         f"Received: image_shape={image_shape!r}")
    return shape if len(shape) == 3 else shape + (1,)


def _adapter(image_shape, size, channels, signed):
    """Input layer and the resizing/colour/scale steps to a network's input."""
    inputs = keras.Input(image_shape, name="images")
    x = inputs
    if image_shape[-1] == 3 and channels == 1:
        x = keras.layers.Lambda(
            lambda t: keras.ops.sum(t * keras.ops.convert_to_tensor(_LUMA, t.dtype), axis=-1,
                                    keepdims=True), name="to_grey")(x)
    elif image_shape[-1] == 1 and channels == 3:
        x = keras.layers.Concatenate(name="to_rgb")([x, x, x])
    if tuple(image_shape[:2]) != (size, size):
        x = keras.layers.Resizing(size, size, antialias=True, name="resize")(x)
    if signed:
        x = keras.layers.Rescaling(2.0, offset=-1.0, name="to_signed")(x)
    return inputs, x


def inception_weights_path(weights=None, download=True):
    """Where InceptionV3's ImageNet weights come from: a file, or `"imagenet"` (Keras downloads).

    Args:
        weights: a weights file to use, or `None` to look in
            `$KERAS_GEN_DATA/` and Keras's cache (`$KERAS_HOME/models/`,
            default `~/.keras/models/`) for `INCEPTION_WEIGHTS`.
        download: whether Keras may download the file when none is found.

    Returns:
        A path, or `"imagenet"`.

    Example:

    >>> inception_weights_path("/no/such/file.h5")
    Traceback (most recent call last):
    ...
    ValueError: Expected `weights` to be an existing weights file. Received: weights='/no/such/file.h5'
    """
    if weights is not None:
        if not os.path.isfile(os.fspath(weights)):
            raise ValueError("Expected `weights` to be an existing weights file. "
                             f"Received: weights={weights!r}")
        return os.fspath(weights)
    folders = [os.environ.get("KERAS_GEN_DATA"),
               os.path.join(os.environ.get("KERAS_HOME", os.path.expanduser("~/.keras")), "models")]
    candidates = [os.path.join(folder, INCEPTION_WEIGHTS) for folder in folders if folder]
    for path in candidates:
        if os.path.isfile(path):
            return path
    if not download:
        raise ValueError(
            f"Expected the InceptionV3 weights file {INCEPTION_WEIGHTS} in one of {candidates}. "
            "Received: download=False and no such file (copy it there, or use the feature "
            "model 'mnist' or a .keras model of your own)"
        )
    return "imagenet"


def _inception(image_shape, weights, download):
    source = inception_weights_path(weights, download)
    if source == "imagenet":
        # Download before building the network (a minute on some backends), so
        # that being offline is said at once.
        try:
            source = keras.utils.get_file(INCEPTION_WEIGHTS, _INCEPTION_URL, cache_subdir="models",
                                          file_hash=_INCEPTION_MD5)
        except Exception as error:  # network failures come as assorted exception types
            raise RuntimeError(
                f"Could not download the InceptionV3 weights ({' '.join(str(error).split())}). "
                f"Offline, put {INCEPTION_WEIGHTS} in $KERAS_GEN_DATA or ~/.keras/models, or "
                "use the feature model 'mnist' or a .keras model of your own."
            ) from None
    import h5py

    if not h5py.is_hdf5(source):  # checked before the minute of building the network
        raise ValueError(f"Expected InceptionV3 weights in {source!r}. Received: a file that "
                         "is not HDF5 (.h5)")
    try:
        network = keras.applications.InceptionV3(
            include_top=False, pooling="avg", weights=source,
            input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3))
    except Exception as error:  # h5py and Keras raise assorted types for a bad file
        raise ValueError(f"Expected InceptionV3 weights in {source!r}. Received: a file that "
                         f"does not load ({' '.join(str(error).split())})") from None
    inputs, x = _adapter(image_shape, INCEPTION_SIZE, 3, signed=True)
    return keras.Model(inputs, network(x), name="features_inception")


def _shipped(domain, image_shape):
    from keras_gen.metrics.feature_extractor import load_feature_extractor

    network = load_feature_extractor(domain)
    if image_shape == (28, 28, 1):
        return network
    inputs, x = _adapter(image_shape, 28, 1, signed=False)
    return keras.Model(inputs, network(x), name=f"features_{domain}")


def _user_model(model, image_shape, name):
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if not os.path.isfile(path):
            raise ValueError(f"Expected `{name}` to be one of {FEATURE_MODELS} or an existing "
                             f".keras file. Received: {name}={path!r}")
        try:
            model = keras.saving.load_model(path, compile=False)
        except Exception as error:
            raise ValueError(f"Expected `{name}` to be a loadable Keras model. Received: "
                             f"{name}={path!r} ({' '.join(str(error).split())})") from None
    expected = tuple(model.input_shape[1:])
    fits = len(expected) == 3 and all(e is None or e == s for e, s in zip(expected, image_shape))
    if not fits:
        raise ValueError(
            f"Expected `{name}` to take images of shape {image_shape} (the data's). Received: "
            f"a model whose input is {expected}"
        )
    return model


def load_feature_model(spec, image_shape, weights=None, download=True):
    """A Keras model from images of `image_shape` in [0, 1] to feature vectors.

    Args:
        spec: `"mnist"`, `"fashion_mnist"`, `"inception"`, a path to a
            `.keras` model, or a `keras.Model`.
        image_shape: `(height, width[, channels])` of the images to compare.
        weights: InceptionV3 weights file (`spec="inception"`); see
            `inception_weights_path`.
        download: whether InceptionV3's weights may be downloaded.

    Returns:
        A `keras.Model` taking `(N,) + image_shape` images in [0, 1].

    Example:

    >>> model = load_feature_model("mnist", (32, 32, 3))  # resized to 28x28, grey
    >>> model.input_shape, model.output_shape
    ((None, 32, 32, 3), (None, 64))
    >>> load_feature_model(model, (28, 28, 1))
    Traceback (most recent call last):
    ...
    ValueError: Expected `feature_model` to take images of shape (28, 28, 1) (the data's).
    Received: a model whose input is (32, 32, 3)
    """
    shape = _check_image_shape(image_shape)
    if isinstance(spec, str) and spec in ("mnist", "fashion_mnist"):
        return _shipped(spec, shape)
    if isinstance(spec, str) and spec == "inception":
        return _inception(shape, weights, download)
    if isinstance(spec, (str, os.PathLike, keras.Model)):
        return _user_model(spec, shape, "feature_model")
    raise ValueError(f"Expected `feature_model` to be one of {FEATURE_MODELS}, a .keras path or "
                     f"a keras.Model. Received: feature_model={spec!r}")


def feature_size(model):
    """Length of the (flattened) feature vector `model` returns."""
    return int(np.prod([size for size in model.output_shape[1:]]))
