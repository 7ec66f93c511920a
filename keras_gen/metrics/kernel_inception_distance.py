"""Kernel distance (KID): unbiased MMD with a cubic polynomial kernel."""

import numpy as np

from keras_gen.metrics.feature_distance import FeatureDistance
from keras_gen.metrics.feature_extractor import extract_feature_sets
from keras_gen.metrics.frechet_distance import _features
from keras_gen.utils import check_positive_int

__all__ = ["KernelInceptionDistance", "kernel_distance", "kid_score"]


def _mmd(x, y):
    d = x.shape[1]
    k_xx = (x @ x.T / d + 1.0) ** 3
    k_yy = (y @ y.T / d + 1.0) ** 3
    k_xy = (x @ y.T / d + 1.0) ** 3
    m, n = len(x), len(y)
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
        + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
        - 2.0 * k_xy.mean()
    )


def kernel_distance(real_features, generated_features, subsets=50, subset_size=1000, seed=0):
    """Unbiased squared MMD with kernel `(x.y / d + 1)^3`, averaged over subsets.

    Unlike FID it is unbiased, so small sample sizes compare fairly.

    Args:
        real_features: array `(n, d)`.
        generated_features: array `(m, d)`.
        subsets: number of random subsets.
        subset_size: size of each subset (capped by the smaller set).
        seed: seed of the subset draws.

    Returns:
        `(mean, std)` over the subsets.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(300, 4)), rng.normal(size=(300, 4))
    >>> abs(kernel_distance(a, b, subsets=10, subset_size=200)[0]) < 0.05
    True

    Reference: Bińkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """
    real = _features("real_features", real_features)
    generated = _features("generated_features", generated_features)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            "Expected features of the same size. Received: real_features with shape "
            f"{real.shape}, generated_features with shape {generated.shape}"
        )
    subsets = check_positive_int("subsets", subsets)
    size = min(check_positive_int("subset_size", subset_size, minimum=2), len(real), len(generated))
    rng = np.random.default_rng(seed)
    values = [
        _mmd(real[rng.choice(len(real), size, replace=False)],
             generated[rng.choice(len(generated), size, replace=False)])
        for _ in range(subsets)
    ]
    return float(np.mean(values)), float(np.std(values))


def kid_score(real_images, generated_images, feature_model="mnist", value_range=(0.0, 1.0),
              subsets=50, subset_size=1000, seed=0, verbose=0):
    """KID of generated images on a feature model (see `fid_score` for the args).

    Both sets must share a shape and a value range (see `check_image_sets`).

    Returns:
        `(mean, std)` over the subsets.

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> from keras_gen.data.image_to_image import resize_images
    >>> from keras_gen.metrics.feature_extractor import load_feature_extractor
    >>> digits = resize_images(load_digits(limit=64)[0], 28)  # in [0, 1], MNIST's size
    >>> noise = np.random.default_rng(0).random((64, 28, 28, 1))
    >>> mnist = load_feature_extractor("mnist")  # what feature_model="mnist" loads
    >>> kid, kid_std = kid_score(digits, noise, mnist, subsets=10, subset_size=32)
    >>> round(kid, 1)
    2.9
    >>> kid, kid_std = kid_score(digits[:32], digits[32:], mnist, subsets=10, subset_size=32)
    >>> round(kid, 1)  # unbiased: near 0 for the same distribution, and may be negative
    -0.2

    Reference: Bińkowski et al., ICLR 2018.
    """
    features = extract_feature_sets(feature_model, real_images, generated_images, value_range, verbose=verbose)
    return kernel_distance(*features, subsets, subset_size, seed)


class KernelInceptionDistance(FeatureDistance):
    """KID as a `keras.metrics.Metric`: `kernel_distance` of the kept features.

    See `FeatureDistance` for how it collects features and when it
    computes. The figure is `kernel_distance(...)[0]` on up to
    `max_samples` images of each set, so it equals `kid_score` on the same
    images and the same seed.

    Args:
        feature_model: see `FeatureDistance` (default the shipped MNIST net).
        image_shape: the images' shape (for a named feature model).
        value_range: range of the images given to `update_state`.
        max_samples: images of each set kept per evaluation.
        subsets: random subsets averaged (`kernel_distance`).
        subset_size: size of each subset.
        seed: seed of the subset draws.
        name: log key, `"kid"` (`val_kid` during `fit`).
        dtype: result dtype.

    Returns:
        A metric whose `result()` is the KID (NaN before two images of each set).

    Example:

    >>> from keras_gen.data.digits import load_digits
    >>> digits = load_digits(limit=64)[0] * 2 - 1   # (64, 8, 8, 1) in [-1, 1]
    >>> kid = KernelInceptionDistance("mnist", image_shape=(8, 8, 1), subsets=5, subset_size=16)
    >>> kid.update_state(digits[:32], digits[32:])
    >>> kid.result() == kid_score(digits[:32], digits[32:], "mnist", (-1, 1), 5, 16)[0]
    True

    A GAN compiled with it reports `val_kid`, for `ModelCheckpoint(monitor="val_kid",
    mode="min", save_best_only=True)`:

    >>> from keras_gen.models.gan import DCGAN
    >>> gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=0)
    >>> gan.compile(metrics=[kid])
    >>> history = gan.fit(digits, epochs=1, batch_size=32, verbose=0, validation_data=(digits,))
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'val_d_loss', 'val_g_loss', 'val_kid']

    Reference: Bińkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """

    def __init__(self, feature_model="mnist", image_shape=None, value_range=(-1.0, 1.0),
                 max_samples=2000, subsets=50, subset_size=1000, seed=0, name="kid", dtype=None):
        super().__init__(feature_model, image_shape, value_range, max_samples, name, dtype)
        self.subsets = check_positive_int("subsets", subsets)
        self.subset_size = check_positive_int("subset_size", subset_size, minimum=2)
        self.seed = check_positive_int("seed", seed, minimum=0)

    def distance(self, real_features, generated_features):
        return kernel_distance(real_features, generated_features, self.subsets,
                               self.subset_size, self.seed)[0]

    def get_config(self):
        return {**super().get_config(), "subsets": self.subsets,
                "subset_size": self.subset_size, "seed": self.seed}
