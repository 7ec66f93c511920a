"""Latent vector arithmetic: means of groups and a - b + c."""

import numpy as np

__all__ = ["latent_mean", "vector_arithmetic"]


def _group(name, vectors):
    array = np.asarray(vectors, dtype="float64")
    if array.ndim == 1:
        array = array[None]
    if array.ndim != 2 or array.shape[0] == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"Expected `{name}` to be latent vectors shaped (n, latent_dim) with n >= 1 "
            f"and finite values. Received: {name} with shape {np.shape(vectors)}"
        )
    return array


def latent_mean(vectors):
    """Mean of a group of latent vectors (e.g. those of "smiling woman").

    Averaging a few vectors with a shared visual concept cancels what they
    do not share.

    Args:
        vectors: array `(n, latent_dim)` (or one vector).

    Returns:
        float32 array `(latent_dim,)`.

    Example:

    >>> latent_mean([[0.0, 2.0], [2.0, 0.0]]).tolist()
    [1.0, 1.0]

    Reference: Radford et al., "Unsupervised Representation Learning with
    Deep Convolutional GANs", ICLR 2016, Section 6.3.
    """
    return _group("vectors", vectors).mean(axis=0).astype("float32")


def vector_arithmetic(a, b, c):
    """`mean(a) - mean(b) + mean(c)`: e.g. smiling woman - woman + man.

    Args:
        a: vectors `(n, latent_dim)` or one vector.
        b: vectors to subtract.
        c: vectors to add.

    Returns:
        float32 array `(latent_dim,)`.

    Example:

    >>> vector_arithmetic([[3.0, 1.0]], [[1.0, 1.0]], [[0.0, 5.0]]).tolist()
    [2.0, 5.0]

    Reference: Radford et al., ICLR 2016, Section 6.3.
    """
    a, b, c = _group("a", a), _group("b", b), _group("c", c)
    if not a.shape[1] == b.shape[1] == c.shape[1]:
        raise ValueError(
            "Expected `a`, `b` and `c` to have the same latent_dim. Received: "
            f"a with shape {a.shape}, b with shape {b.shape}, c with shape {c.shape}"
        )
    return (a.mean(axis=0) - b.mean(axis=0) + c.mean(axis=0)).astype("float32")
