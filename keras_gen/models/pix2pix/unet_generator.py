"""The U-Net generator of Pix2Pix."""

import keras

from keras_gen.layers.normalization import NORMALIZATIONS
from keras_gen.layers.normalization import normalization_layer
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["unet_generator", "default_unet_depth"]

def default_unet_depth(image_size):
    """Halvings down to a 1x1 bottleneck (or as far as `image_size` halves), at most 8.

    Example:

    >>> default_unet_depth(128), default_unet_depth(256), default_unet_depth(96)
    (7, 8, 5)
    """
    depth = 0
    while image_size % (2 ** (depth + 1)) == 0 and depth < 8:
        depth += 1
    return depth


def check_unet_size(image_size, depth):
    """Raises `ValueError` unless `image_size` halves `depth` times (depth >= 2)."""
    image_size = check_positive_int("image_size", image_size)
    depth = default_unet_depth(image_size) if depth is None else check_positive_int("depth", depth)
    if depth < 2 or image_size % (2**depth) != 0:
        raise ValueError(
            f"Expected `image_size` divisible by 2**depth (the U-Net halves it `depth` "
            f"times, depth >= 2). Received: image_size={image_size}, depth={depth}"
        )
    return image_size, depth


def unet_generator(
    image_size=128,
    input_channels=3,
    output_channels=3,
    filters=64,
    depth=None,
    dropout=0.5,
    normalization="instance",
    name="generator",
):
    """Builds the Pix2Pix U-Net: an encoder-decoder with skip connections.

    Each encoder block is Conv(4x4, stride 2) - norm - LeakyReLU(0.2); each
    decoder block ConvTranspose(4x4, stride 2) - norm - [dropout] - ReLU,
    concatenated with the encoder block of the same size. Filters double per
    block up to `8 * filters`. Dropout in the three innermost decoder blocks
    is the generator's only noise source (the paper's `z`); it is active
    when called with `training=True`. The output is `tanh`, in [-1, 1].

    Presets: `image_size=256` gives the paper's 8-block U-Net (54 M
    parameters at `filters=64`); `image_size=128` the same with 7 blocks.

    Args:
        image_size: side of the square input images; must halve `depth` times.
        input_channels: channels of the source images.
        output_channels: channels of the translated images.
        filters: filters of the first block.
        depth: encoder blocks; defaults to halving down to 1x1 (at most 8).
        dropout: dropout rate of the three innermost decoder blocks.
        normalization: "instance" (default; equal to the paper's batch norm
            at batch size 1 and export-safe), "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping `(N, S, S, input_channels)` to
        `(N, S, S, output_channels)`.

    Example:

    >>> model = unet_generator(image_size=32, filters=4)
    >>> model.output_shape
    (None, 32, 32, 3)

    Reference: Isola et al., "Image-to-Image Translation with Conditional
    Adversarial Networks", CVPR 2017 (section 3.2.1, appendix 6.1.1);
    Ronneberger et al., "U-Net", MICCAI 2015.
    """
    image_size, depth = check_unet_size(image_size, depth)
    input_channels = check_positive_int("input_channels", input_channels)
    output_channels = check_positive_int("output_channels", output_channels)
    filters = check_positive_int("filters", filters)
    dropout = check_probability("dropout", dropout, allow_one=False)
    check_in("normalization", normalization, NORMALIZATIONS)

    def width(block):
        return filters * min(2**block, 8)

    source = keras.Input((image_size, image_size, input_channels), name="source")
    x = source
    skips = []
    for block in range(depth):
        x = keras.layers.Conv2D(
            width(block), 4, strides=2, padding="same", name=f"down{block}_conv"
        )(x)
        # No normalization on the outermost block (raw pixels) nor at the
        # bottleneck, where it may be 1x1 and instance norm would zero it.
        if 0 < block < depth - 1:
            x = normalization_layer(normalization, f"down{block}_norm")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"down{block}_act")(x)
        skips.append(x)
    for block in reversed(range(depth - 1)):
        x = keras.layers.Conv2DTranspose(
            width(block), 4, strides=2, padding="same", name=f"up{block}_conv"
        )(x)
        x = normalization_layer(normalization, f"up{block}_norm")(x)
        if block >= depth - 4 and dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"up{block}_dropout")(x)
        x = keras.layers.ReLU(name=f"up{block}_act")(x)
        x = keras.layers.Concatenate(name=f"up{block}_skip")([x, skips[block]])
    # float32 under mixed precision: images leave the model at full precision.
    output = keras.layers.Conv2DTranspose(
        output_channels, 4, strides=2, padding="same", activation="tanh", name="output",
        dtype="float32",
    )(x)
    return keras.Model(source, output, name=name)
