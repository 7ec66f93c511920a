import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.utils.plots import plot_latent_manifold
from keras_gen.utils.plots import plot_latent_scatter
from keras_gen.utils.plots import plot_reconstructions


def test_manifold_grid_decodes_a_regular_grid(tmp_path):
    seen = []

    def decode(z):
        seen.append(z)
        return np.tile(((z[:, :1] + 2) / 4).clip(0, 1), (1, 16))

    path = plot_latent_manifold(os.path.join(tmp_path, "m.png"), decode, grid_size=5, scale=1)
    z = seen[0]
    assert z.shape == (25, 2)
    assert np.allclose(z[:5, 1], z[0, 1]) and np.all(np.diff(z[:5, 0]) > 0)
    image = np.asarray(Image.open(path))
    assert image.shape == (5 * 5 + 1, 5 * 5 + 1)  # 4x4 tiles, 1-pixel borders
    with pytest.raises(ValueError, match="latent_range"):
        plot_latent_manifold(os.path.join(tmp_path, "x.png"), decode, latent_range=(1, -1))


def test_scatter_projects_wide_codes(tmp_path):
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(100, 5))
    labels = np.arange(100) % 3
    path = plot_latent_scatter(os.path.join(tmp_path, "s.png"), codes, labels, title="t")
    assert Image.open(path).size[0] > 100
    with pytest.raises(ValueError, match="labels"):
        plot_latent_scatter(os.path.join(tmp_path, "s.png"), codes, labels[:10])


def test_reconstructions_alternate_rows(tmp_path):
    inputs = np.zeros((3, 4, 4))
    outputs = np.ones((3, 4, 4))
    path = plot_reconstructions(os.path.join(tmp_path, "r.png"), inputs, outputs, columns=3, scale=1)
    image = np.asarray(Image.open(path))
    assert image.shape == (2 * 5 + 1, 3 * 5 + 1)
    assert image[1:5, 1:5].max() == 0 and image[6:10, 1:5].min() == 255
    with pytest.raises(ValueError, match="reconstructions"):
        plot_reconstructions(os.path.join(tmp_path, "r.png"), inputs, outputs[:2])
    assert not os.path.exists(os.path.join(tmp_path, "missing", "r.png"))
