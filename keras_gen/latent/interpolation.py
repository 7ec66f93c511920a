"""Paths between latent vectors: straight (lerp) or on the sphere (slerp)."""

import numpy as np

from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["interpolate"]


def _vector(name, value):
    array = np.asarray(value, dtype="float64")
    if array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(
            f"Expected `{name}` to be one finite latent vector (1-D). "
            f"Received: {name} with shape {array.shape}"
        )
    return array


def interpolate(z0, z1, steps=8, method="slerp"):
    """Latent vectors from `z0` to `z1` (both included).

    Spherical interpolation keeps the norm that Gaussian noise of high
    dimension concentrates on; a straight line passes through low-norm
    points the generator rarely saw during training.

    Args:
        z0: start vector `(latent_dim,)`.
        z1: end vector `(latent_dim,)`.
        steps: number of vectors, >= 2.
        method: `"slerp"` (default) or `"lerp"`.

    Returns:
        float32 array `(steps, latent_dim)`.

    Example:

    >>> path = interpolate([1.0, 0.0], [0.0, 1.0], steps=3)
    >>> np.round(path[1].astype(float), 4).tolist()
    [0.7071, 0.7071]

    Reference: White, "Sampling Generative Networks", arXiv:1609.04468, 2016.
    """
    z0, z1 = _vector("z0", z0), _vector("z1", z1)
    if z0.shape != z1.shape:
        raise ValueError(
            f"Expected `z0` and `z1` of the same shape. Received: z0 with shape {z0.shape}, "
            f"z1 with shape {z1.shape}"
        )
    steps = check_positive_int("steps", steps, minimum=2)
    check_in("method", method, ("slerp", "lerp"))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    lerp = (1.0 - t) * z0 + t * z1
    if method == "lerp":
        return lerp.astype("float32")
    norms = np.linalg.norm(z0) * np.linalg.norm(z1)
    if norms == 0:
        return lerp.astype("float32")
    omega = np.arccos(np.clip(np.dot(z0, z1) / norms, -1.0, 1.0))
    if np.sin(omega) < 1e-6:  # (anti)parallel: the great circle is undefined
        return lerp.astype("float32")
    path = (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return path.astype("float32")
