import numpy as np
import pytest
from PIL import Image

from keras_gen.latent import save_interpolation_gif
from keras_gen.latent import save_interpolation_strip


def test_strip_and_gif(tmp_path):
    frames = np.linspace(-1, 1, 5)[:, None, None, None] * np.ones((5, 6, 6, 1))
    strip = save_interpolation_strip(str(tmp_path / "s.png"), frames, scale=1)
    assert Image.open(strip).size == (5 * 7 + 1, 8)
    gif = save_interpolation_gif(str(tmp_path / "w.gif"), frames, scale=2)
    with Image.open(gif) as image:
        assert image.n_frames == 8  # forward 5, back 3
        assert image.size == (12, 12)


def test_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match="images"):
        save_interpolation_gif(str(tmp_path / "x.gif"), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="path"):
        save_interpolation_gif(str(tmp_path / "missing" / "x.gif"), np.zeros((3, 4, 4)))
