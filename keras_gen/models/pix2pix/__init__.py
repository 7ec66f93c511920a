"""Pix2Pix: paired image-to-image translation (Isola et al., 2017).

`Pix2Pix` is the model; `unet_generator` and `patchgan_discriminator` build
its two networks (the PatchGAN is CycleGAN's discriminator too).
"""

from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.models.pix2pix.pix2pix import Pix2Pix
from keras_gen.models.pix2pix.unet_generator import unet_generator

from keras_gen.utils.deprecation import moved_names_getattr  # noqa: E402

__getattr__ = moved_names_getattr(
    __name__, {"TranslationGrid": "keras_gen.callbacks.translation_grid:TranslationGrid"}
)
