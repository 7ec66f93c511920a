import keras
import numpy as np

from keras_gen.metrics.warping_error import warp_frames
from keras_gen.models.vid2vid.flow_warp import FlowWarp
from keras_gen.models.vid2vid.flow_warp import flow_warp
from keras_gen.trainers.input_gradients import input_gradients


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_integer_flow_moves_pixels_exactly():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    flow = np.zeros((2, 8, 8, 2), "float32")
    flow[0, ..., 0], flow[0, ..., 1] = 2.0, -1.0  # image 0: from 2 right, 1 up
    warped = numpy(flow_warp(images, flow))
    np.testing.assert_array_equal(warped[0, 1:, :6], images[0, :7, 2:])
    np.testing.assert_array_equal(warped[1], images[1])  # zero flow: unchanged
    np.testing.assert_array_equal(warped[0, 0, :6], images[0, 0, 2:])  # clamped at the edge


def test_matches_numpy_bilinear_warp():
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, (3, 8, 8, 2)).astype("float32")
    flow = rng.uniform(-3, 3, (3, 8, 8, 2)).astype("float32")
    np.testing.assert_allclose(numpy(flow_warp(images, flow)), warp_frames(images, flow),
                               atol=1e-5)


def test_gradient_reaches_the_flow():
    image = np.tile(np.arange(8, dtype="float32"), (1, 8, 1))[..., None]  # x ramp
    flow = np.full((1, 8, 8, 2), 0.25, "float32")

    def total(f):
        return keras.ops.sum(flow_warp(image, f))

    gradient = numpy(input_gradients(total, keras.ops.convert_to_tensor(flow)))
    # d(sample)/d(dx) is the ramp's slope 1 inside, 0 in the last column (clamped).
    np.testing.assert_allclose(gradient[0, :, :7, 0], 1.0, atol=1e-5)
    np.testing.assert_allclose(gradient[0, ..., 1], 0.0, atol=1e-5)


def test_layer_in_a_functional_model_with_dynamic_batch():
    images = keras.Input((4, 4, 1))
    flow = keras.Input((4, 4, 2))
    model = keras.Model([images, flow], FlowWarp()([images, flow]))
    assert model.output_shape == (None, 4, 4, 1)
    x = np.arange(48, dtype="float32").reshape(3, 4, 4, 1)
    shift = np.zeros((3, 4, 4, 2), "float32")
    shift[..., 1] = 1.0
    out = numpy(model([x, shift]))
    np.testing.assert_array_equal(out[:, :3], x[:, 1:])


def test_weights_come_from_the_flow_not_the_coordinate():
    # Far from the origin a float32 coordinate `x + flow` keeps ~1e-4 of a
    # 0.3 flow's fraction at x ~ 2000; the weights must not lose it (an
    # exported rollout would add that error up frame after frame).
    width = 2048
    images = np.zeros((1, 1, width, 1), "float32")
    images[0, 0, 1::2, 0] = 1.0  # 0, 1, 0, 1, ...: each sample is the weight itself
    flow = np.zeros((1, 1, width, 2), "float32")
    flow[..., 0] = 0.3
    warped = numpy(flow_warp(images, flow))[0, 0, :-1, 0]
    expected = np.where(np.arange(width - 1) % 2 == 0, np.float32(0.3), np.float32(0.7))
    np.testing.assert_allclose(warped, expected, atol=1e-6)


def test_far_flows_clamp_to_the_edge():
    images = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    flow = np.zeros((1, 4, 4, 2), "float32")
    flow[..., 0], flow[..., 1] = 1e9, -1e9  # beyond the top-right corner
    np.testing.assert_array_equal(numpy(flow_warp(images, flow)), np.full((1, 4, 4, 1), 3.0))
