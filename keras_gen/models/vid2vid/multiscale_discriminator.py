"""Multi-scale PatchGAN discriminators that also return their features."""

import keras

from keras_gen.models.pix2pix.patchgan_discriminator import default_patchgan_layers
from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.utils import check_positive_int

__all__ = ["multiscale_discriminator", "outputs_by_scale"]


def _scale_layers(image_size, scales, layers):
    layers = default_patchgan_layers(image_size) if layers is None else layers
    layers = check_positive_int("layers", layers)
    smallest = image_size // 2 ** (scales - 1)
    if image_size % 2 ** (scales - 1) != 0 or smallest % 2**layers != 0:
        raise ValueError(
            f"Expected `image_size` to halve {scales - 1} times (one per extra scale) and then "
            f"still be divisible by 2**layers. Received: image_size={image_size}, "
            f"scales={scales}, layers={layers}"
        )
    return layers


def multiscale_discriminator(image_size=64, channels=12, filters=16, layers=None, scales=2,
                             normalization="instance", name="discriminator"):
    """Builds `scales` PatchGANs, each judging the image at half the previous size.

    Scale 0 sees the image, scale `s` sees it average-pooled `s` times, so a
    PatchGAN of a few pixels' field at full size judges fine detail while
    the coarser ones judge whole objects (pix2pixHD's and vid2vid's
    discriminator). Each PatchGAN is Pix2Pix's `patchgan_discriminator`; its
    block activations are returned with its logits for the feature-matching
    loss.

    Args:
        image_size: side of the square inputs.
        channels: input channels (conditioning and image concatenated).
        filters: filters of each PatchGAN's first block.
        layers: stride-2 blocks of each PatchGAN (default: as Pix2Pix's for
            `image_size`).
        scales: number of PatchGANs (scales).
        normalization: "instance" (default), "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping `(N, S, S, channels)` to a flat
        list: for each scale in turn, `[block_0, ..., block_layers, logits]`
        (`outputs_by_scale` groups them).

    Example:

    >>> import numpy as np
    >>> model = multiscale_discriminator(image_size=16, channels=2, filters=4, scales=2)
    >>> outputs = model(np.zeros((1, 16, 16, 2), "float32"))
    >>> [[tuple(t.shape)[1:] for t in scale] for scale in outputs_by_scale(outputs, scales=2)]
    [[(8, 8, 4), (8, 8, 8), (8, 8, 1)], [(4, 4, 4), (4, 4, 8), (4, 4, 1)]]

    Reference: Wang et al., "High-Resolution Image Synthesis and Semantic
    Manipulation with Conditional GANs", CVPR 2018 (multi-scale
    discriminators, feature matching); Isola et al., CVPR 2017 (PatchGAN).
    """
    image_size = check_positive_int("image_size", image_size)
    channels = check_positive_int("channels", channels)
    scales = check_positive_int("scales", scales)
    layers = _scale_layers(image_size, scales, layers)
    image = keras.Input((image_size, image_size, channels), name="image")
    x, outputs = image, []
    for scale in range(scales):
        if scale > 0:
            x = keras.layers.AveragePooling2D(2, name=f"pool{scale}")(x)
        patchgan = patchgan_discriminator(image_size // 2**scale, channels, filters, layers,
                                          normalization, name=f"{name}_scale{scale}")
        blocks = [patchgan.get_layer(f"block{block}_act").output for block in range(layers + 1)]
        with_features = keras.Model(patchgan.input, blocks + [patchgan.output],
                                    name=f"scale{scale}")
        outputs.extend(with_features(x))
    return keras.Model(image, outputs, name=name)


def outputs_by_scale(outputs, scales):
    """Splits a multi-scale discriminator's flat outputs into one list per scale.

    Args:
        outputs: the list a `multiscale_discriminator` (or
            `temporal_discriminator`) returns.
        scales: its number of scales.

    Returns:
        A list of `scales` lists `[block_0, ..., logits]`.

    Example:

    >>> outputs_by_scale(["a0", "b0", "logits0", "a1", "b1", "logits1"], scales=2)
    [['a0', 'b0', 'logits0'], ['a1', 'b1', 'logits1']]
    """
    outputs = list(outputs)
    if len(outputs) % scales:
        raise ValueError(
            f"Expected the outputs of {scales} scales (an equal number each). Received: "
            f"{len(outputs)} outputs"
        )
    size = len(outputs) // scales
    return [outputs[i * size : (i + 1) * size] for i in range(scales)]
