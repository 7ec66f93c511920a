"""GANs: `GAN` (any generator/discriminator pair), `DCGAN` (Radford et al.)
and `ConditionalGAN` (class labels), each trained with one adversarial step
written once for TensorFlow, JAX and torch."""

from keras_gen.models.gan.conditional_gan import ConditionalGAN
from keras_gen.models.gan.dcgan import DCGAN
from keras_gen.models.gan.dcgan import dcgan_discriminator
from keras_gen.models.gan.dcgan import dcgan_generator
from keras_gen.models.gan.gan import GAN
