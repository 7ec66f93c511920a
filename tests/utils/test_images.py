import numpy as np
import pytest
from PIL import Image

from keras_gen.utils.images import image_grid
from keras_gen.utils.images import save_image_grid
from keras_gen.utils.images import save_image_strip


def test_grid_tiles_images_with_padding_and_maps_the_value_range():
    images = np.stack([np.full((4, 5), value) for value in (-1.0, 0.0, 1.0)])
    grid = image_grid(images, columns=3, value_range=(-1, 1), padding=1)
    assert grid.shape == (1 + 4 + 1, 1 + 3 * (5 + 1), 1) and grid.dtype == np.uint8
    tiles = [grid[1:5, 1 + i * 6: 6 + i * 6, 0] for i in range(3)]
    assert [int(tile.mean()) for tile in tiles] == [0, 128, 255]


def test_flat_vectors_become_square_images_or_use_image_shape():
    assert image_grid(np.zeros((2, 16)), columns=2, padding=0).shape == (4, 8, 1)
    assert image_grid(np.zeros((2, 12)), columns=1, padding=0, image_shape=(3, 4)).shape == (6, 4, 1)
    with pytest.raises(ValueError, match="square number of pixels"):
        image_grid(np.zeros((2, 12)))


def test_colour_images_keep_three_channels():
    assert image_grid(np.zeros((4, 6, 6, 3)), padding=0).shape == (12, 12, 3)


def test_bad_batches_raise():
    with pytest.raises(ValueError, match="at least one image"):
        image_grid(np.zeros((0, 4, 4)))
    with pytest.raises(ValueError, match="shaped"):
        image_grid(np.zeros((2, 4, 4, 2)))


def test_saved_grid_and_strip_are_scaled_pngs(tmp_path):
    images = np.random.default_rng(0).random((6, 8, 8))
    grid = Image.open(save_image_grid(str(tmp_path / "grid.png"), images, columns=3, scale=2))
    assert grid.size == (2 * (1 + 3 * 9), 2 * (1 + 2 * 9))
    strip = Image.open(save_image_strip(str(tmp_path / "strip.png"), images))
    assert strip.size[0] > strip.size[1]
