import numpy as np
from PIL import Image

from keras_gen.cli import plots


def test_pictures_are_screen_sized_whatever_the_image_size():
    assert plots.picture_scale((8, 8)) == 7
    assert plots.picture_scale((28, 28, 1)) == 2
    assert plots.picture_scale((64, 64, 3)) == 1
    assert plots.picture_scale(None) == 1


def test_save_grid_scales_the_tiles(tmp_path):
    path = plots.save_grid(str(tmp_path / "g.png"), np.zeros((4, 64)), image_shape=(8, 8), columns=2)
    width, height = Image.open(path).size
    assert (width, height) == (7 * (1 + 2 * 9), 7 * (1 + 2 * 9))
