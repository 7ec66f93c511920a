import keras
import numpy as np

from keras_gen.models.vid2vid.video_batches import flat
from keras_gen.models.vid2vid.video_batches import generator_inputs
from keras_gen.models.vid2vid.video_batches import unpack_video_batch


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_a_batch_with_flow_becomes_time_major():
    maps = np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2) % 4  # 2 videos of 3 frames, 4 classes
    frames = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2, 2, 1)).astype("float32")
    flow = np.random.default_rng(1).normal(size=(2, 2, 2, 2, 2)).astype("float32")
    visible = np.ones((2, 2, 2, 2), "float32")
    x = {"maps": maps, "flow": flow, "visible": visible}
    one_hot, time_frames, time_flow, time_visible, (blank_map, blank_frame) = unpack_video_batch((x, frames), 4)
    assert _numpy(one_hot).shape == (3, 2, 2, 2, 4)
    np.testing.assert_array_equal(_numpy(one_hot)[1, 0].argmax(-1), maps[0, 1])  # frame 1 of video 0
    np.testing.assert_allclose(_numpy(time_frames)[2, 1], frames[1, 2])
    np.testing.assert_allclose(_numpy(time_flow)[1, 0], flow[0, 1])
    assert _numpy(time_visible).shape == (2, 2, 2, 2, 1)
    assert _numpy(blank_map)[..., 0].min() == 1.0 and _numpy(blank_frame).max() == -1.0  # class 0, black
    assert _numpy(flat(time_frames)).shape == (6, 2, 2, 1)


def test_generator_inputs_take_the_frames_before_oldest_first():
    maps = [np.full((1, 1, 1, 2), t, "float32") for t in range(4)]
    frames = [np.full((1, 1, 1, 1), 10.0 + t, "float32") for t in range(4)]
    blanks = (np.zeros((1, 1, 1, 2), "float32"), -np.ones((1, 1, 1, 1), "float32"))
    current, previous_maps, previous_frames = generator_inputs(maps, frames, 3, blanks, history=2)
    assert _numpy(current).ravel().tolist() == [3.0, 3.0]
    assert _numpy(previous_maps).ravel().tolist() == [1.0, 1.0, 2.0, 2.0]
    assert _numpy(previous_frames).ravel().tolist() == [11.0, 12.0]
    _, _, before_the_start = generator_inputs(maps, frames, 1, blanks, history=2)
    assert _numpy(before_the_start).ravel().tolist() == [-1.0, 10.0]  # the blank, then frame 0
