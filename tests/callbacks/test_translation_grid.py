import os

import numpy as np
import pytest

from keras_gen.callbacks.translation_grid import TranslationGrid
from keras_gen.models.pix2pix import Pix2Pix

SIZE = 16


def test_one_grid_an_epoch_of_input_output_target(tmp_path):
    from PIL import Image

    model = Pix2Pix(image_size=SIZE, input_channels=1, generator_filters=4, discriminator_filters=4)
    model.compile()
    rng = np.random.default_rng(2)
    source = rng.uniform(-1, 1, (3, SIZE, SIZE, 1)).astype("float32")
    target = rng.uniform(-1, 1, (3, SIZE, SIZE, 3)).astype("float32")
    grid = TranslationGrid(str(tmp_path), source, target)
    model.fit(source, target, batch_size=3, epochs=2, verbose=0, callbacks=[grid])
    assert [os.path.basename(p) for p in grid.paths] == [
        "translations_epoch_001.png", "translations_epoch_002.png"]
    picture = np.asarray(Image.open(grid.paths[-1]))
    assert picture.shape == (3 * (SIZE + 1) + 1, 3 * (SIZE + 1) + 1, 3)


def test_bad_input(tmp_path):
    images = np.zeros((2, SIZE, SIZE, 3), "float32")
    with pytest.raises(ValueError, match="existing folder"):
        TranslationGrid(str(tmp_path / "missing"), images)
    with pytest.raises(ValueError, match="as many `targets`"):
        TranslationGrid(str(tmp_path), images, images[:1])
