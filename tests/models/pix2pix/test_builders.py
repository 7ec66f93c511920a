import keras
import numpy as np
import pytest

from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_receptive_field
from keras_gen.models.pix2pix.unet_generator import unet_generator


def _count(model, kind):
    return sum(type(layer) is kind for layer in model.layers)


@pytest.mark.slow
@pytest.mark.parametrize("size,blocks,field", [(128, 7, 34), (256, 8, 70)])
def test_presets(size, blocks, field):
    generator = unet_generator(image_size=size, filters=2)
    assert generator.output_shape == (None, size, size, 3)
    assert _count(generator, keras.layers.Conv2D) == blocks
    assert _count(generator, keras.layers.Conv2DTranspose) == blocks
    assert _count(generator, keras.layers.Concatenate) == blocks - 1
    assert _count(generator, keras.layers.Dropout) == 3
    discriminator = patchgan_discriminator(image_size=size, channels=6, filters=2)
    layers = int(np.log2(size // discriminator.output_shape[1]))
    assert patchgan_receptive_field(layers) == field


def test_receptive_field_is_measured():
    """Perturbing one pixel moves only logits whose field covers it."""
    model = patchgan_discriminator(image_size=32, channels=1, filters=2, layers=1, normalization="none")
    x = np.zeros((1, 32, 32, 1), "float32")
    y = x.copy()
    y[0, 16, 16, 0] = 1.0
    diff = np.abs(keras.ops.convert_to_numpy(model(y) - model(x)))[0, :, :, 0]
    rows = np.nonzero(diff.max(axis=1) > 0)[0]
    # Output cell i covers input rows [2i - 7, 2i + 8] (stride 2, field 16).
    assert rows.max() - rows.min() + 1 <= patchgan_receptive_field(1) // 2 + 1
    assert len(rows) > 1


def test_dropout_is_the_noise():
    generator = unet_generator(image_size=16, filters=4)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    a, b = (keras.ops.convert_to_numpy(generator(x, training=True)) for _ in range(2))
    assert np.abs(a - b).max() > 1e-4
    c, d = (keras.ops.convert_to_numpy(generator(x, training=False)) for _ in range(2))
    np.testing.assert_array_equal(c, d)
    assert np.abs(c).max() <= 1.0


def test_bad_sizes():
    with pytest.raises(ValueError, match="image_size"):
        unet_generator(image_size=100, depth=7)
    with pytest.raises(ValueError, match="image_size"):
        unet_generator(image_size=127)
    with pytest.raises(ValueError, match="normalization"):
        unet_generator(image_size=32, normalization="layer")
    with pytest.raises(ValueError, match="dropout"):
        unet_generator(image_size=32, dropout=1.0)
    with pytest.raises(ValueError, match="layers"):
        patchgan_discriminator(image_size=36, layers=3)
