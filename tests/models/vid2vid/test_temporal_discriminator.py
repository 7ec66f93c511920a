import keras
import numpy as np
import pytest

from keras_gen.models.vid2vid.temporal_discriminator import temporal_discriminator


def test_inputs_and_outputs():
    model = temporal_discriminator(image_size=16, channels=3, frames=4, filters=4, scales=2)
    assert [tuple(t.shape) for t in model.inputs] == [(None, 16, 16, 12), (None, 16, 16, 6)]
    outputs = model([np.zeros((2, 16, 16, 12), "float32"), np.zeros((2, 16, 16, 6), "float32")])
    assert len(outputs) == 2 * 3  # two scales, each two blocks and logits
    assert tuple(outputs[2].shape) == (2, 8, 8, 1) and tuple(outputs[5].shape) == (2, 4, 4, 1)


def test_judges_order_and_flow():
    model = temporal_discriminator(image_size=8, frames=3, filters=4, scales=1)
    rng = np.random.default_rng(0)
    clip = rng.uniform(-1, 1, (1, 8, 8, 3)).astype("float32")
    flows = rng.normal(size=(1, 8, 8, 4)).astype("float32")
    logits = keras.ops.convert_to_numpy(model([clip, flows])[-1])
    swapped = keras.ops.convert_to_numpy(model([clip[..., ::-1], flows])[-1])
    still = keras.ops.convert_to_numpy(model([clip, np.zeros_like(flows)])[-1])
    assert np.abs(logits - swapped).max() > 1e-5 and np.abs(logits - still).max() > 1e-5


def test_bad_frames():
    with pytest.raises(ValueError, match="frames"):
        temporal_discriminator(image_size=8, frames=1)
