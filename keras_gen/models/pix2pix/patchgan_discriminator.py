"""The PatchGAN discriminator shared by Pix2Pix and CycleGAN."""

import math

import keras

from keras_gen.layers.normalization import NORMALIZATIONS
from keras_gen.layers.normalization import normalization_layer
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["patchgan_discriminator", "patchgan_receptive_field", "default_patchgan_layers"]


def patchgan_receptive_field(layers):
    """Receptive field (pixels) of one output logit of a PatchGAN with `layers` stride-2 blocks.

    Example:

    >>> [patchgan_receptive_field(n) for n in (1, 2, 3)]
    [16, 34, 70]
    """
    field = 4 + 3  # the two stride-1 4x4 convolutions at the end
    for _ in range(layers):
        field = (field - 1) * 2 + 4
    return field


def default_patchgan_layers(image_size):
    """Stride-2 blocks giving a receptive field near the paper's 70/256 of the image.

    Example:

    >>> default_patchgan_layers(256), default_patchgan_layers(128), default_patchgan_layers(64)
    (3, 2, 1)
    """
    return max(1, int(round(math.log2(image_size))) - 5)


def patchgan_discriminator(
    image_size=128,
    channels=6,
    filters=64,
    layers=None,
    normalization="instance",
    name="discriminator",
):
    """Builds a PatchGAN: a fully convolutional classifier of image patches.

    Blocks of Conv(4x4, stride 2) - norm - LeakyReLU(0.2) (no norm on the
    first), one stride-1 block, then a 1-filter stride-1 convolution giving
    one logit per patch. `layers` stride-2 blocks give a receptive field of
    16, 34 or 70 pixels for 1, 2 or 3 blocks; by default it is scaled to
    the image, as the paper's 70x70 patches are to 256 px images (34 px at
    128, 16 px at 64).

    For Pix2Pix the input is the source and the (real or translated) target
    concatenated on channels (`channels = input + output channels`); for
    CycleGAN it is an image of one domain.

    Args:
        image_size: side of the square input images.
        channels: input channels.
        filters: filters of the first block (doubling, at most `8 * filters`).
        layers: stride-2 blocks; defaults to `default_patchgan_layers(image_size)`.
        normalization: "instance" (default), "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping `(N, S, S, channels)` to patch
        logits `(N, S / 2**layers, S / 2**layers, 1)`.

    Example:

    >>> patchgan_discriminator(image_size=32, channels=6, filters=4).output_shape
    (None, 16, 16, 1)

    Reference: Isola et al., "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017 (section 3.2.2, appendix 6.1.2); Li and
    Wand, "Precomputed Real-Time Texture Synthesis with Markovian GANs", 2016.
    """
    image_size = check_positive_int("image_size", image_size)
    channels = check_positive_int("channels", channels)
    filters = check_positive_int("filters", filters)
    check_in("normalization", normalization, NORMALIZATIONS)
    layers = default_patchgan_layers(image_size) if layers is None else layers
    layers = check_positive_int("layers", layers)
    if image_size % (2**layers) != 0:
        raise ValueError(
            "Expected `image_size` divisible by 2**layers (each PatchGAN block halves it). "
            f"Received: image_size={image_size}, layers={layers}"
        )

    image = keras.Input((image_size, image_size, channels), name="image")
    x = image
    for block in range(layers + 1):
        stride = 2 if block < layers else 1
        x = keras.layers.Conv2D(
            filters * min(2**block, 8), 4, strides=stride, padding="same", name=f"block{block}_conv"
        )(x)
        if block > 0:
            x = normalization_layer(normalization, f"block{block}_norm")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"block{block}_act")(x)
    # float32 logits: the adversarial losses are reduced at full precision.
    logits = keras.layers.Conv2D(1, 4, padding="same", name="logits", dtype="float32")(x)
    return keras.Model(image, logits, name=name)
