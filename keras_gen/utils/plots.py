"""Pictures of what an autoencoder or a VAE learned, written as PNG files.

- `plot_latent_manifold`: decodes a regular grid over a 2-D latent space.
- `plot_latent_scatter`: codes of labelled data, coloured by label (projected
  to 2-D by PCA when the codes are wider).
- `plot_reconstructions`: inputs with their reconstructions beneath.
"""

import numpy as np

from keras_gen.utils.files import atomic_path
from keras_gen.utils.images import save_image_grid
from keras_gen.utils.validation import check_array
from keras_gen.utils.validation import check_positive_int

__all__ = ["plot_latent_manifold", "plot_latent_scatter", "plot_reconstructions"]


def plot_latent_manifold(path, decode, grid_size=15, latent_range=None, image_shape=None,
                         value_range=(0.0, 1.0), scale=2):
    """Decodes a `grid_size` x `grid_size` grid over a 2-D latent space.

    Args:
        path: destination `.png`.
        decode: function (n, 2) latent array → (n, ...) images, e.g.
            `vae.decode`.
        grid_size: points per axis.
        latent_range: `(low, high)` per axis; defaults to the 5 %-95 %
            quantiles of N(0, 1) spaced evenly in probability (Kingma &
            Welling's figure), which suits a VAE's prior.
        image_shape: reshape flat decoder outputs to this shape.
        value_range: range of the decoded values.
        scale: integer upscaling of each pixel.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> p = plot_latent_manifold(os.path.join(tempfile.mkdtemp(), "m.png"),
    ...                          lambda z: np.zeros((len(z), 8, 8)), grid_size=4)
    """
    from statistics import NormalDist

    grid_size = check_positive_int("grid_size", grid_size, minimum=2)
    if latent_range is None:
        probabilities = np.linspace(0.05, 0.95, grid_size)
        axis = np.array([NormalDist().inv_cdf(p) for p in probabilities], dtype="float32")
    else:
        low, high = latent_range
        if not low < high:
            raise ValueError(
                f"Expected `latent_range` to be (low, high) with low < high. Received: latent_range={latent_range!r}"
            )
        axis = np.linspace(low, high, grid_size, dtype="float32")
    # Rows go top to bottom from high to low z2, as on a plot's y axis.
    z1, z2 = np.meshgrid(axis, axis[::-1])
    latent = np.stack([z1.ravel(), z2.ravel()], axis=1).astype("float32")
    images = np.asarray(_to_numpy(decode(latent)))
    return save_image_grid(path, images, columns=grid_size, value_range=value_range,
                           image_shape=image_shape, scale=scale)


def plot_latent_scatter(path, codes, labels, title=None):
    """Scatter of codes coloured by label (PCA to 2-D when wider than 2).

    Args:
        path: destination `.png`.
        codes: (n, d) array of codes, d >= 1.
        labels: (n,) integer labels.
        title: optional figure title.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> p = plot_latent_scatter(os.path.join(tempfile.mkdtemp(), "s.png"),
    ...                         np.random.rand(20, 3), np.arange(20) % 2)
    """
    codes = check_array("codes", _to_numpy(codes), ndim=2)
    labels = check_array("labels", labels, ndim=1, dtype=None)
    if len(labels) != len(codes):
        raise ValueError(
            f"Expected `labels` to have one entry per code. Received: {len(codes)} codes and "
            f"{len(labels)} labels"
        )
    axes_names = ("z1", "z2")
    if codes.shape[1] == 1:
        codes = np.concatenate([codes, np.zeros_like(codes)], axis=1)
    elif codes.shape[1] > 2:
        centred = codes - codes.mean(axis=0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        codes = centred @ components[:2].T
        axes_names = ("principal component 1", "principal component 2")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 5), dpi=100)
    points = axes.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4, alpha=0.7)
    figure.colorbar(points, ax=axes, label="label")
    axes.set_xlabel(axes_names[0])
    axes.set_ylabel(axes_names[1])
    if title:
        axes.set_title(title)
    figure.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
    return path


def plot_reconstructions(path, inputs, reconstructions, columns=10, image_shape=None,
                         value_range=(0.0, 1.0), scale=2):
    """Inputs in one row with their reconstructions in the row beneath.

    With more inputs than `columns`, pairs of rows repeat.

    Args:
        path: destination `.png`.
        inputs: (n, ...) images (flat or shaped).
        reconstructions: the same shape as `inputs`.
        columns: images per row.
        image_shape: reshape flat rows to this shape.
        value_range: range of the values.
        scale: integer upscaling of each pixel.

    Returns:
        `path`.

    Example:

    >>> import os, tempfile
    >>> x = np.random.rand(6, 8, 8)
    >>> p = plot_reconstructions(os.path.join(tempfile.mkdtemp(), "r.png"), x, x, columns=3)
    """
    inputs = np.asarray(_to_numpy(inputs), dtype="float32")
    reconstructions = np.asarray(_to_numpy(reconstructions), dtype="float32")
    if inputs.shape != reconstructions.shape:
        raise ValueError(
            "Expected `reconstructions` to have the shape of `inputs`. Received: inputs with shape "
            f"{inputs.shape}, reconstructions with shape {reconstructions.shape}"
        )
    columns = check_positive_int("columns", columns)
    count = len(inputs)
    rows = []
    for start in range(0, count, columns):
        block = slice(start, min(start + columns, count))
        pad = columns - (block.stop - block.start)
        for source in (inputs, reconstructions):
            part = source[block]
            if pad:
                filler = np.full((pad,) + part.shape[1:], value_range[1], dtype="float32")
                part = np.concatenate([part, filler])
            rows.append(part)
    return save_image_grid(path, np.concatenate(rows), columns=columns, value_range=value_range,
                           image_shape=image_shape, scale=scale)


def _to_numpy(values):
    if isinstance(values, np.ndarray):
        return values
    import keras

    return keras.ops.convert_to_numpy(values)
