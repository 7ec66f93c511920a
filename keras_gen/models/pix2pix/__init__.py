"""Pix2Pix: paired image-to-image translation (Isola et al., 2017).

`Pix2Pix` is the model; `unet_generator` and `patchgan_discriminator` build
its two networks (also used by CycleGAN); `TranslationGrid` writes
input | output | target PNG grids during training.
"""

from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.models.pix2pix.pix2pix import Pix2Pix
from keras_gen.models.pix2pix.translation_grid import TranslationGrid
from keras_gen.models.pix2pix.unet_generator import unet_generator
