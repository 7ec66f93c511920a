import keras
import numpy as np
import pytest

from keras_gen.models.gan import DCGAN
from keras_gen.models.gan import dcgan_discriminator
from keras_gen.models.gan import dcgan_generator


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3)])
def test_builders_match_shapes(shape, backend):
    generator = dcgan_generator(shape, latent_dim=8, base_filters=4)
    discriminator = dcgan_discriminator(shape, base_filters=4)
    assert generator.output_shape == (None,) + shape
    assert discriminator.input_shape == (None,) + shape
    assert discriminator.output_shape == (None, 1)
    images = keras.ops.convert_to_numpy(generator(np.zeros((2, 8), "float32")))
    assert images.min() >= -1.0 and images.max() <= 1.0


def test_wasserstein_discriminator_has_no_batch_norm(backend):
    gan = DCGAN((28, 28, 1), latent_dim=8, base_filters=4, loss="wasserstein_gp")
    names = [type(layer).__name__ for layer in gan.discriminator.layers]
    assert "BatchNormalization" not in names
    assert "BatchNormalization" in [type(layer).__name__ for layer in gan.generator.layers]


def test_config_round_trip(backend):
    gan = DCGAN((32, 32, 3), latent_dim=8, base_filters=4, loss="hinge", discriminator_steps=2)
    clone = DCGAN.from_config(gan.get_config())
    assert clone.get_config() == gan.get_config()
    assert clone.generator.count_params() == gan.generator.count_params()


def test_bad_shapes():
    with pytest.raises(ValueError, match="image_shape"):
        dcgan_generator((28, 28, 2))
    with pytest.raises(ValueError, match="image_shape"):
        dcgan_discriminator((28, 32, 1))
    with pytest.raises(ValueError, match="base_filters"):
        DCGAN((28, 28, 1), base_filters=0)
