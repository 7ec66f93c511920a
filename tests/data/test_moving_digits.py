import numpy as np
import pytest

from keras_gen.data import load_digits
from keras_gen.data import moving_digits
from keras_gen.metrics.warping_error import warp_frames


def small(**kwargs):
    options = dict(count=6, frames=5, size=16, source=load_digits(), seed=3)
    return moving_digits(**{**options, **kwargs})


def test_shapes_and_ranges():
    data = small(digits=(1, 2))
    assert data["frames"].shape == (6, 5, 16, 16, 1) and data["frames"].dtype == np.float32
    assert data["maps"].shape == (6, 5, 16, 16) and data["maps"].dtype == np.uint8
    assert data["flow"].shape == (6, 4, 16, 16, 2) and data["visible"].shape == (6, 4, 16, 16)
    assert data["positions"].shape == (6, 5, 2, 2) and data["labels"].shape == (6, 2)
    assert -1.0 <= data["frames"].min() and data["frames"].max() <= 1.0
    counts = (data["labels"] >= 0).sum(axis=1)
    absent = data["labels"] < 0
    assert set(counts) <= {1, 2} and (data["positions"].transpose(0, 2, 1, 3)[absent] == -1).all()


def test_flow_is_exact_on_visible_pixels():
    data = small(count=8, frames=6, digits=2, speed=(1, 3))
    frames, flow, visible = data["frames"], data["flow"], data["visible"]
    warped = warp_frames(frames[:, :-1].reshape(-1, 16, 16, 1), flow.reshape(-1, 16, 16, 2))
    difference = np.abs(warped - frames[:, 1:].reshape(warped.shape))[..., 0]
    assert difference[visible.reshape(difference.shape)].max() == 0.0
    assert (~visible).any()  # boxes passing over each other hide and uncover pixels
    assert np.abs(flow).max() <= 3 and np.abs(flow).max() >= 1


def test_maps_label_each_box_with_its_digit():
    data = small(digits=1)
    for n in range(6):
        label = data["labels"][n, 0]
        x, y = data["positions"][n, 0, 0]
        x0, y0, x1, y1 = data["boxes"][n, 0]
        box = data["maps"][n, 0, y + y0 : y + y1, x + x0 : x + x1]
        assert (box == label + 1).all()
        assert (data["maps"][n, 0] != 0).sum() == box.size  # background elsewhere
        ink = data["frames"][n, 0, ..., 0] > -1
        assert (data["maps"][n, 0][ink] == label + 1).all()


def test_digits_bounce_inside_the_canvas():
    data = small(count=4, frames=16, digits=1, speed=3)
    positions = data["positions"][:, :, 0]
    assert positions.min() >= 0 and positions.max() <= 16 - 8
    steps = np.abs(np.diff(positions, axis=1))
    assert steps.max() <= 3 and (steps.max(axis=-1) >= 1).all()


def test_seeded():
    a, b, c = small(seed=1), small(seed=1), small(seed=2)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["frames"], c["frames"])


def test_mnist_default(shared_data):
    data = moving_digits(count=3, frames=2, seed=0, data_dir=shared_data, split="test")
    assert data["frames"].shape == (3, 2, 64, 64, 1)
    widths = data["boxes"][..., 2] - data["boxes"][..., 0]
    assert widths[data["labels"] >= 0].max() <= 28


@pytest.mark.parametrize("kwargs,name", [
    ({"frames": 1}, "frames"), ({"digits": (2, 1)}, "digits"), ({"speed": 0}, "speed"),
    ({"digit_size": 20}, "digit_size"), ({"split": "valid"}, "split"), ({"seed": -1}, "seed"),
    ({"source": "mnist"}, "source"), ({"count": 0}, "count"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        small(**kwargs)
