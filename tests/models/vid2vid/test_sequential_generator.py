import keras
import numpy as np
import pytest

from keras_gen.models.vid2vid.flow_warp import flow_warp
from keras_gen.models.vid2vid.sequential_generator import sequential_generator


def inputs(count=2, size=16, classes=3, history=2, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    maps = np.eye(classes, dtype="float32")[rng.integers(0, classes, (count, size, size))]
    previous = np.concatenate([np.eye(classes, dtype="float32")[
        rng.integers(0, classes, (count, size, size))] for _ in range(history)], -1)
    frames = rng.uniform(-1, 1, (count, size, size, history * channels)).astype("float32")
    return [maps, previous, frames]


def test_outputs_and_blend():
    model = sequential_generator(image_size=16, num_classes=3, history=2, channels=2, filters=4,
                                 blocks=1)
    assert [t.name for t in model.inputs] == ["map", "previous_maps", "previous_frames"]
    x = inputs(channels=2)
    frame, flow, mask, hallucinated = (keras.ops.convert_to_numpy(o) for o in model(x))
    assert frame.shape == (2, 16, 16, 2) and flow.shape == (2, 16, 16, 2)
    assert mask.shape == (2, 16, 16, 1) and 0 <= mask.min() and mask.max() <= 1
    assert np.abs(hallucinated).max() <= 1
    # The newest previous frame (the last channels), warped by the flow, where the mask is 0.
    warped = keras.ops.convert_to_numpy(flow_warp(x[2][..., 2:], flow))
    np.testing.assert_allclose(frame, mask * hallucinated + (1 - mask) * warped, atol=1e-5)


def test_dilated_hallucination_moves_with_the_map_where_the_unet_redraws():
    # A small box moved by (1, 2) px, far enough from the borders that the
    # stack's 32-px reach never meets them: the dilated stack's picture moves
    # with it; the U-Net's strides draw another one.
    size, shift = 96, (1, 2)
    maps = np.zeros((1, size, size), "int32")
    maps[0, 44:52, 45:51] = 2
    moved = np.roll(maps, shift, (1, 2))
    one_hot = np.eye(3, dtype="float32")
    errors = {}
    for kind in ("dilated", "unet"):
        keras.utils.set_random_seed(0)
        model = sequential_generator(size, 3, history=1, filters=4, blocks=0, hallucination=kind)

        def hallucinate(m, model=model):
            outputs = model([one_hot[m], np.zeros((1, size, size, 3), "float32"),
                             -np.ones((1, size, size, 1), "float32")])
            return keras.ops.convert_to_numpy(outputs[3])[0, ..., 0]

        first, second = hallucinate(maps), hallucinate(moved)
        inside = (slice(34, 62), slice(34, 62))
        assert first[inside].std() > 0.05, kind  # a picture, not a constant
        errors[kind] = np.abs(np.roll(first, shift, (0, 1))[inside] - second[inside]).max()
    assert errors["dilated"] < 1e-4 and errors["unet"] > 0.1, errors


def test_each_input_matters():
    model = sequential_generator(image_size=16, num_classes=3, filters=4, blocks=1)
    x = inputs()
    base = keras.ops.convert_to_numpy(model(x)[0])
    for i in range(3):
        changed = list(x)
        changed[i] = inputs(seed=i + 1)[i]
        assert np.abs(keras.ops.convert_to_numpy(model(changed)[0]) - base).max() > 1e-4


@pytest.mark.parametrize("kwargs,name", [
    ({"image_size": 18}, "image_size"), ({"image_size": 12}, "image_size"),
    ({"num_classes": 1}, "num_classes"),
    ({"history": 0}, "history"), ({"normalization": "layer"}, "normalization"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        sequential_generator(**{"image_size": 16, "filters": 4, **kwargs})
