"""Precision and recall of generative models on k-NN feature manifolds."""

import numpy as np

from keras_gen.metrics.feature_extractor import extract_feature_sets
from keras_gen.metrics.frechet_distance import _features
from keras_gen.utils import check_positive_int

__all__ = ["precision_recall", "precision_recall_score"]


def _squared_distances(a, b):
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2.0 * a @ b.T, 0.0)


def _radii(features, k, batch):
    # Distance of each point to its k-th nearest neighbour (itself excluded).
    radii = np.empty(len(features))
    for start in range(0, len(features), batch):
        d = _squared_distances(features[start : start + batch], features)
        radii[start : start + batch] = np.partition(d, k, axis=1)[:, k]
    return radii


def _coverage(manifold, radii, queries, batch):
    inside = np.zeros(len(queries), dtype=bool)
    for start in range(0, len(queries), batch):
        d = _squared_distances(queries[start : start + batch], manifold)
        inside[start : start + batch] = (d <= radii[None]).any(axis=1)
    return float(inside.mean())


def precision_recall(real_features, generated_features, k=3, batch_size=1000):
    """Improved precision and recall (Kynkäänniemi et al.).

    Precision: the share of generated samples inside the real manifold (the
    union of balls around real samples reaching their k-th neighbour) —
    sample quality. Recall: the share of real samples inside the generated
    manifold — coverage of the data.

    Args:
        real_features: array `(n, d)`.
        generated_features: array `(m, d)`.
        k: neighbourhood size (3 in the paper).
        batch_size: rows per distance block (memory).

    Returns:
        dict with `precision` and `recall`, each in [0, 1].

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 2))
    >>> precision_recall(real, real * 0.1)["recall"] < 0.5
    True

    Reference: Kynkäänniemi et al., "Improved Precision and Recall Metric for
    Assessing Generative Models", NeurIPS 2019.
    """
    real = _features("real_features", real_features)
    generated = _features("generated_features", generated_features)
    k = check_positive_int("k", k)
    if k >= min(len(real), len(generated)):
        raise ValueError(
            f"Expected `k` smaller than both sample counts ({len(real)}, {len(generated)}). "
            f"Received: k={k}"
        )
    batch = check_positive_int("batch_size", batch_size)
    return {
        "precision": _coverage(real, _radii(real, k, batch), generated, batch),
        "recall": _coverage(generated, _radii(generated, k, batch), real, batch),
    }


def precision_recall_score(real_images, generated_images, feature_model="mnist",
                           value_range=(0.0, 1.0), k=3, verbose=0):
    """`precision_recall` on the features of a feature model (see `fid_score`).

    Both sets must share a shape and a value range (see `check_image_sets`).

    Args:
        real_images: array `(n, ...)`.
        generated_images: array `(m, ...)`.
        feature_model: `"mnist"`, `"fashion_mnist"`, `"inception"` (see
            `load_feature_model`) or any Keras model from images in [0, 1]
            to vectors.
        value_range: range of both image arrays (mapped to [0, 1], the
            range feature models take).
        k: neighbourhood size.
        verbose: 1 shows progress bars of the feature extraction.

    Returns:
        dict with `precision` and `recall`, each in [0, 1].

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> from keras_gen.data.image_to_image import resize_images
    >>> from keras_gen.metrics.feature_extractor import load_feature_extractor
    >>> digits = resize_images(load_digits(limit=64)[0], 28)  # in [0, 1], MNIST's size
    >>> noise = np.random.default_rng(0).random((64, 28, 28, 1))
    >>> mnist = load_feature_extractor("mnist")  # what feature_model="mnist" loads
    >>> precision_recall_score(digits, digits, mnist)
    {'precision': 1.0, 'recall': 1.0}
    >>> precision_recall_score(digits, noise, mnist)["recall"]  # noise covers no digit
    0.0

    Reference: Kynkäänniemi et al., NeurIPS 2019.
    """
    features = extract_feature_sets(feature_model, real_images, generated_images, value_range, verbose=verbose)
    return precision_recall(*features, k)
