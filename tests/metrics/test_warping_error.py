import numpy as np
import pytest

from keras_gen.data import load_digits
from keras_gen.data import moving_digits
from keras_gen.metrics.warping_error import warp_frames
from keras_gen.metrics.warping_error import warping_error


def test_real_moving_digits_score_zero_and_flicker_scores_high():
    data = moving_digits(count=4, frames=5, size=16, source=load_digits(), seed=0)
    assert warping_error(data["frames"], data["flow"], data["visible"]) == 0.0
    # The same videos with every frame's pixels dimmed at random: flicker.
    rng = np.random.default_rng(0)
    flicker = data["frames"] * rng.uniform(0.5, 1.0, data["frames"].shape[:2] + (1, 1, 1))
    assert warping_error(flicker, data["flow"], data["visible"]) > 0.01
    # Without the visibility mask, uncovered pixels count as errors.
    assert warping_error(data["frames"], data["flow"]) >= 0.0


def test_only_visible_pixels_count():
    frames = np.zeros((1, 2, 4, 4, 1))
    frames[0, 1, 0, 0] = 2.0
    flow = np.zeros((1, 1, 4, 4, 2))
    visible = np.ones((1, 1, 4, 4), bool)
    assert warping_error(frames, flow, visible) == pytest.approx(2.0 / 16)
    visible[0, 0, 0, 0] = False
    assert warping_error(frames, flow, visible) == 0.0


def test_half_pixel_flow_interpolates():
    frame = np.array([[0.0, 2.0, 4.0]]).reshape(1, 1, 3, 1)
    flow = np.zeros((1, 1, 3, 2))
    flow[..., 0] = 0.5
    np.testing.assert_allclose(warp_frames(frame, flow)[0, 0, :, 0], [1.0, 3.0, 4.0])


def test_bad_shapes():
    with pytest.raises(ValueError, match="frames"):
        warping_error(np.zeros((1, 1, 4, 4)), np.zeros((1, 0, 4, 4, 2)))
    with pytest.raises(ValueError, match="flow"):
        warping_error(np.zeros((1, 3, 4, 4)), np.zeros((1, 3, 4, 4, 2)))
    with pytest.raises(ValueError, match="visible"):
        warping_error(np.zeros((1, 3, 4, 4)), np.zeros((1, 2, 4, 4, 2)), np.ones((1, 2, 4)))
