import keras
import numpy as np
import pytest

from keras_gen.models.pix2pix.unet_generator import unet_generator


def _count(model, kind):
    return sum(type(layer) is kind for layer in model.layers)


@pytest.mark.slow
@pytest.mark.parametrize("size,blocks", [(128, 7), (256, 8)])
def test_depth_follows_the_image_size(size, blocks):
    generator = unet_generator(image_size=size, filters=2)
    assert generator.output_shape == (None, size, size, 3)
    assert _count(generator, keras.layers.Conv2D) == blocks
    assert _count(generator, keras.layers.Conv2DTranspose) == blocks
    assert _count(generator, keras.layers.Concatenate) == blocks - 1
    assert _count(generator, keras.layers.Dropout) == 3


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
