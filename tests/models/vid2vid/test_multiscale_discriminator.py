import keras
import numpy as np
import pytest

from keras_gen.models.vid2vid.multiscale_discriminator import multiscale_discriminator
from keras_gen.models.vid2vid.multiscale_discriminator import outputs_by_scale


def test_scales_see_the_image_at_halved_sizes():
    model = multiscale_discriminator(image_size=32, channels=4, filters=4, layers=1, scales=3)
    outputs = outputs_by_scale(model(np.zeros((2, 32, 32, 4), "float32")), 3)
    assert [tuple(scale[-1].shape) for scale in outputs] == [(2, 16, 16, 1), (2, 8, 8, 1),
                                                             (2, 4, 4, 1)]
    assert all(len(scale) == 3 for scale in outputs)  # two blocks' features and the logits
    # Each scale is a Pix2Pix PatchGAN (its layer names), wrapped to return its features.
    inner = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    assert len(inner) == 3 and all(layer.get_layer("block0_conv") for layer in inner)


def test_coarse_scale_ignores_fine_detail():
    model = multiscale_discriminator(image_size=16, channels=1, filters=4, layers=1, scales=2,
                                     normalization="none")
    x = np.zeros((1, 16, 16, 1), "float32")
    checker = np.indices((16, 16)).sum(0) % 2 * 2.0 - 1.0  # averages to 0 over 2x2
    y = x + checker[None, :, :, None].astype("float32")
    fine = [keras.ops.convert_to_numpy(o) for o in model(x)]
    detailed = [keras.ops.convert_to_numpy(o) for o in model(y)]
    assert np.abs(fine[2] - detailed[2]).max() > 1e-4  # scale 0 logits change
    np.testing.assert_allclose(fine[5], detailed[5], atol=1e-6)  # scale 1 logits do not


def test_bad_sizes():
    with pytest.raises(ValueError, match="image_size"):
        multiscale_discriminator(image_size=24, layers=3, scales=2)
    with pytest.raises(ValueError, match="scales"):
        outputs_by_scale([1, 2, 3], 2)
