import numpy as np
import pytest
from PIL import Image

from keras_gen.utils.video_gif import color_maps
from keras_gen.utils.video_gif import save_video_gif


def test_side_by_side_gif(tmp_path):
    grey = np.linspace(-1, 1, 5)[:, None, None] * np.ones((5, 6, 6))
    color = color_maps(np.arange(5)[:, None, None] * np.ones((5, 6, 6), "int32"), 5)
    path = save_video_gif(str(tmp_path / "v.gif"), [grey, color, grey, color], rows=2, scale=1)
    gif = Image.open(path)
    assert gif.n_frames == 5 and gif.size == (2 * 7 + 1, 2 * 7 + 1)
    gif.seek(4)
    frame = np.asarray(gif.convert("RGB"))
    assert (frame[1, 1] == 255).all()  # the grey video's last frame is white
    assert frame[1, 8, 0] > frame[1, 8, 1]  # class 4's hue in the colour video


def test_color_maps_distinguish_classes():
    colors = color_maps(np.arange(11), 11)
    assert colors.shape == (11, 3) and (colors[0] == -1).all()
    assert len({tuple(c) for c in colors.round(3)}) == 11


def test_bad_videos(tmp_path):
    with pytest.raises(ValueError, match="one length"):
        save_video_gif(str(tmp_path / "v.gif"), [np.zeros((3, 4, 4)), np.zeros((2, 4, 4))])
