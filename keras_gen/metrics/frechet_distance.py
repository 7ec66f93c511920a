"""Fréchet distance between feature distributions (FID)."""

import numpy as np

from keras_gen.metrics.feature_distance import FeatureDistance
from keras_gen.metrics.feature_extractor import extract_feature_sets

__all__ = ["FrechetDistance", "frechet_distance", "fid_score"]


def _features(name, features):
    array = np.asarray(features, dtype="float64")
    if array.ndim != 2 or array.shape[0] < 2 or not np.isfinite(array).all():
        raise ValueError(
            f"Expected `{name}` to be finite features shaped (n, d) with n >= 2. "
            f"Received: {name} with shape {np.shape(features)}"
        )
    return array


def frechet_distance(real_features, generated_features):
    """Fréchet distance between Gaussians fitted to two sets of features.

    `||mu_r - mu_g||^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))`.

    Args:
        real_features: array `(n, d)`.
        generated_features: array `(m, d)`.

    Returns:
        A float >= 0 (0 for identical statistics).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(2000, 3))
    >>> round(frechet_distance(a, a + [1.0, 0.0, 0.0]), 3)
    1.0

    Reference: Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
    Converge to a Local Nash Equilibrium", NeurIPS 2017.
    """
    real = _features("real_features", real_features)
    generated = _features("generated_features", generated_features)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            "Expected features of the same size. Received: real_features with shape "
            f"{real.shape}, generated_features with shape {generated.shape}"
        )
    mu_r, mu_g = real.mean(axis=0), generated.mean(axis=0)
    sigma_r = np.atleast_2d(np.cov(real, rowvar=False))
    sigma_g = np.atleast_2d(np.cov(generated, rowvar=False))
    # Tr((S_r S_g)^(1/2)) = Tr((S_r^(1/2) S_g S_r^(1/2))^(1/2)): a symmetric
    # PSD matrix, so eigenvalues stay exact where features are degenerate
    # (ReLU features that never fire make the covariances singular).
    values, vectors = np.linalg.eigh(sigma_r)
    root_r = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    inner = np.linalg.eigvalsh(root_r @ sigma_g @ root_r)
    trace_root = np.sqrt(np.clip(inner, 0.0, None)).sum()
    value = np.sum((mu_r - mu_g) ** 2) + np.trace(sigma_r) + np.trace(sigma_g) - 2 * trace_root
    return float(max(value, 0.0))


def fid_score(real_images, generated_images, feature_model="mnist", value_range=(0.0, 1.0),
              batch_size=500, verbose=0):
    """FID of generated images against real ones on a feature model's features.

    Both sets must share a shape and a value range: samples of a `tanh`
    generator in [-1, 1] against test images in [0, 1] raise a `ValueError`
    that says which set looks like which range (see `check_image_sets`).

    Args:
        real_images: array `(n, ...)`.
        generated_images: array `(m, ...)`.
        feature_model: `"mnist"`, `"fashion_mnist"`, `"inception"` (see
            `load_feature_model`) or any Keras model from images in [0, 1]
            to vectors.
        value_range: range of both image arrays (mapped to [0, 1], the
            range feature models take).
        batch_size: images per feature-model call.
        verbose: 1 shows progress bars of the feature extraction.

    Returns:
        The Fréchet distance (float).

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> from keras_gen.data.image_to_image import resize_images
    >>> from keras_gen.metrics.feature_extractor import load_feature_extractor
    >>> digits = resize_images(load_digits(limit=64)[0], 28)  # in [0, 1], MNIST's size
    >>> noise = np.random.default_rng(0).random((64, 28, 28, 1))
    >>> mnist = load_feature_extractor("mnist")  # what feature_model="mnist" loads
    >>> fid_score(digits, digits, mnist)
    0.0
    >>> round(fid_score(digits[:32], digits[32:], mnist), 1)  # two halves of the digits
    8.5
    >>> round(fid_score(digits, noise, mnist), 1)
    49.0

    Reference: Heusel et al., NeurIPS 2017.
    """
    return frechet_distance(*extract_feature_sets(feature_model, real_images, generated_images, value_range,
                                                  batch_size, verbose))


class FrechetDistance(FeatureDistance):
    """FID as a `keras.metrics.Metric`: `frechet_distance` of the kept features.

    See `FeatureDistance` for how it collects features and when it
    computes; the figure equals `fid_score` on the same images. FID is
    biased upwards for few samples: compare runs at one `max_samples`.

    Args:
        feature_model: see `FeatureDistance` (default the shipped MNIST net).
        image_shape: the images' shape (for a named feature model).
        value_range: range of the images given to `update_state`.
        max_samples: images of each set kept per evaluation.
        name: log key, `"fid"` (`val_fid` during `fit`).
        dtype: result dtype.

    Returns:
        A metric whose `result()` is the FID (NaN before two images of each set).

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> digits = load_digits(limit=64)[0]   # (64, 8, 8, 1) in [0, 1]
    >>> fid = FrechetDistance("mnist", image_shape=(8, 8, 1), value_range=(0, 1))
    >>> for start in (0, 16):  # two batches of 16 real and 16 generated images
    ...     fid.update_state(digits[start : start + 16], digits[32 + start : 48 + start])
    >>> round(fid.result(), 3) == round(fid_score(digits[:32], digits[32:], "mnist"), 3)
    True

    Reference: Heusel et al., NeurIPS 2017.
    """

    def __init__(self, feature_model="mnist", image_shape=None, value_range=(-1.0, 1.0),
                 max_samples=2000, name="fid", dtype=None):
        super().__init__(feature_model, image_shape, value_range, max_samples, name, dtype)

    def distance(self, real_features, generated_features):
        return frechet_distance(real_features, generated_features)
