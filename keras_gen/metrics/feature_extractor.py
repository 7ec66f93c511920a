"""The small domain classifier shipped for FID/KID on 28×28 digits and clothes.

Inception-v3 features (the usual FID) need a 90 MB download and know little
about 28×28 greyscale digits; this classifier ships with the package (a few
hundred kB) and was trained on MNIST / Fashion-MNIST by
`benchmarks/train_feature_classifier.py` (accuracy in
`keras_gen/assets/feature_classifier.json`). `load_feature_model` adapts it
to images of any shape, builds InceptionV3, or loads a model of the user's.
"""

import json
import os

import keras
import numpy as np

from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["FEATURE_DOMAINS", "feature_classifier", "load_feature_extractor", "extract_features"]

FEATURE_DOMAINS = ("mnist", "fashion_mnist")
_ASSETS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets")


def feature_classifier(num_classes=10, feature_dim=64):
    """The classifier network: three convolutions, a `features` layer, logits.

    Args:
        num_classes: output classes.
        feature_dim: size of the penultimate `features` layer.

    Returns:
        A functional `keras.Model` from `(28, 28, 1)` images in [0, 1] to logits.

    Example:

    >>> feature_classifier().get_layer("features").output.shape
    (None, 64)
    """
    images = keras.Input((28, 28, 1), name="images")
    x = keras.layers.Conv2D(32, 3, activation="relu")(images)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.Flatten()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    x = keras.layers.Dropout(0.3)(features)
    logits = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(images, logits, name="feature_classifier")


def weights_path(domain):
    """Path of the shipped weights of one domain."""
    return os.path.join(_ASSETS, f"feature_classifier_{domain}.npz")


def load_feature_extractor(domain="mnist"):
    """The shipped classifier of `domain`, cut at its `features` layer.

    Args:
        domain: `"mnist"` (digits) or `"fashion_mnist"` (clothes).

    Returns:
        A `keras.Model` from `(28, 28, 1)` images in [0, 1] to 64 features.

    Example:

    >>> extractor = load_feature_extractor("mnist")
    >>> extractor.input_shape, extractor.output_shape
    ((None, 28, 28, 1), (None, 64))
    >>> extract_features(extractor, np.zeros((5, 28, 28, 1))).shape
    (5, 64)
    """
    check_in("domain", domain, FEATURE_DOMAINS)
    path = weights_path(domain)
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected the shipped classifier weights at {path!r} (made by "
            f"benchmarks/train_feature_classifier.py). Received: domain={domain!r} without them"
        )
    classifier = feature_classifier()
    with np.load(path) as stored:
        classifier.set_weights([stored[f"w{i}"].astype("float32")
                                for i in range(len(classifier.weights))])
    return keras.Model(classifier.input, classifier.get_layer("features").output,
                       name=f"features_{domain}")


def classifier_report():
    """The accuracies recorded when the shipped classifiers were trained."""
    with open(os.path.join(_ASSETS, "feature_classifier.json")) as handle:
        return json.load(handle)


def extract_features(feature_model, images, value_range=(0.0, 1.0), batch_size=500, verbose=0):
    """Features of `images` by `feature_model`, as a float64 NumPy array.

    Args:
        feature_model: a Keras model from images to vectors, or a name of
            `load_feature_model` (`"mnist"`, `"fashion_mnist"`,
            `"inception"`), built for the images' shape.
        images: array `(n, H, W[, C])` matching the model's input (flat rows
            of 784 and missing channel axes are reshaped for the classifier).
        value_range: range of `images`; they are mapped to [0, 1], the range
            every feature model takes (see `load_feature_model`).
        batch_size: images per call.
        verbose: 1 shows a progress bar.

    Returns:
        Array `(n, feature_dim)`.

    Example:

    >>> images = np.random.default_rng(0).uniform(-1, 1, (5, 784))  # flat rows in [-1, 1]
    >>> features = extract_features("mnist", images, value_range=(-1, 1))
    >>> features.shape, features.dtype
    ((5, 64), dtype('float64'))
    >>> extract_features("mnist", np.zeros((3, 32, 32, 3))).shape  # any image shape
    (3, 64)
    """
    low, high = value_range
    images = (np.asarray(images, dtype="float32") - low) / float(high - low)
    if isinstance(feature_model, str):
        from keras_gen.metrics.feature_model import load_feature_model

        if images.ndim == 2:  # flat rows of square greyscale images
            side = int(round(np.sqrt(images.shape[1])))
            images = images.reshape((len(images), side, side, 1)) if side * side == images.shape[1] else images
        feature_model = load_feature_model(feature_model, images.shape[1:])
    batch_size = check_positive_int("batch_size", batch_size)
    shape = tuple(feature_model.input_shape[1:])
    if images.shape[1:] != shape and int(np.prod(images.shape[1:])) == int(np.prod(shape)):
        images = images.reshape((-1,) + shape)
    if images.shape[1:] != shape or len(images) == 0:
        raise ValueError(
            f"Expected `images` shaped (n,) + {shape} for the feature model. Received: images "
            f"with shape {images.shape}"
        )
    starts = range(0, len(images), batch_size)
    progress = keras.utils.Progbar(len(images), unit_name="image") if verbose else None
    parts = []
    for start in starts:
        batch = images[start : start + batch_size]
        parts.append(keras.ops.convert_to_numpy(feature_model(batch, training=False)))
        if progress is not None:
            progress.add(len(batch))
    return np.concatenate(parts).reshape(len(images), -1).astype("float64")


def extract_feature_sets(feature_model, real_images, generated_images, value_range, batch_size=500, verbose=0):
    """Both image sets checked (`check_image_sets`), then their features (`extract_features`).

    Args:
        feature_model, value_range, batch_size, verbose: see `extract_features`.
        real_images, generated_images: the two sets a distance compares.

    Returns:
        `(real_features, generated_features)`, float64 NumPy arrays.

    Example:

    >>> images = np.random.default_rng(0).random((4, 28, 28, 1))
    >>> real, generated = extract_feature_sets("mnist", images, images[::-1], (0, 1))
    >>> real.shape, bool(np.allclose(real, generated[::-1]))
    ((4, 64), True)
    """
    from keras_gen.metrics.image_sets import check_image_sets

    real_images, generated_images = check_image_sets(real_images, generated_images, value_range)
    return (extract_features(feature_model, real_images, value_range, batch_size, verbose),
            extract_features(feature_model, generated_images, value_range, batch_size, verbose))

