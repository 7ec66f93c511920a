import numpy as np
import pytest

from keras_gen.models.vid2vid.rollout import one_hot_maps
from keras_gen.models.vid2vid.rollout import rollout_video


def test_rollout_feeds_back_its_frames_and_starts_blank():
    seen = []

    def step(current, previous_maps, previous_frames):
        seen.append((previous_maps.copy(), previous_frames.copy()))
        return previous_frames[..., -1:] + 1.0  # each frame: the last one plus 1

    maps = np.ones((2, 4, 3, 3), "int32")
    videos = rollout_video(step, maps, num_classes=2, history=2, channels=1)
    assert videos.shape == (2, 4, 3, 3, 1)
    np.testing.assert_array_equal(videos[0, :, 0, 0, 0], [0.0, 1.0, 2.0, 3.0])
    first_maps, first_frames = seen[0]
    assert (first_maps[..., 0::2] == 1).all() and (first_maps[..., 1::2] == 0).all()
    assert (first_frames == -1).all()
    second_maps, second_frames = seen[1]  # oldest first: blank, then frame 0
    assert (second_maps[..., :2] == [1, 0]).all() and (second_maps[..., 2:] == [0, 1]).all()
    assert (second_frames[..., 0] == -1).all() and (second_frames[..., 1] == 0).all()


def test_one_hot_maps():
    assert one_hot_maps(np.array([[1, 0]]), 2).tolist() == [[[0.0, 1.0], [1.0, 0.0]]]


def test_bad_history():
    with pytest.raises(ValueError, match="history"):
        rollout_video(lambda *a: None, np.zeros((1, 2, 2, 2), "int32"), 2, 0, 1)
