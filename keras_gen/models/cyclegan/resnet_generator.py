"""The ResNet generator of CycleGAN (Johnson et al.'s transformation network)."""

import keras

from keras_gen.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gen.layers.normalization import NORMALIZATIONS
from keras_gen.layers.normalization import normalization_layer
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["resnet_generator", "default_residual_blocks"]


def default_residual_blocks(image_size):
    """The paper's choice: 6 residual blocks below 256 px, 9 from 256 px.

    Example:

    >>> default_residual_blocks(128), default_residual_blocks(256)
    (6, 9)
    """
    return 9 if image_size >= 256 else 6


def resnet_generator(
    image_size=128,
    input_channels=3,
    output_channels=3,
    filters=64,
    residual_blocks=None,
    downsamplings=2,
    normalization="instance",
    name="generator",
):
    """Builds the CycleGAN generator: downsample, residual blocks, upsample.

    `c7s1-64, d128, d256, R256 x blocks, u128, u64, c7s1-3` in the paper's
    notation: a 7x7 convolution, `downsamplings` stride-2 3x3 convolutions,
    residual blocks of two 3x3 convolutions, transposed convolutions back to
    full size and a 7x7 `tanh` output. Every 3x3 and 7x7 convolution pads by
    reflection (`ReflectionPadding2D`); normalization is instance norm
    (`InstanceNormalization`), which exports to ONNX and TFLite.

    Args:
        image_size: side of the square images; must halve `downsamplings` times.
        input_channels: channels of the source domain.
        output_channels: channels of the target domain.
        filters: filters of the first convolution (doubling per downsampling).
        residual_blocks: number of residual blocks; 6 below 256 px, 9 above.
        downsamplings: stride-2 convolutions (and transposed ones).
        normalization: "instance" (default), "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping `(N, S, S, input_channels)` to
        `(N, S, S, output_channels)` in [-1, 1].

    Example:

    >>> resnet_generator(image_size=32, filters=4, residual_blocks=1).output_shape
    (None, 32, 32, 3)

    Reference: Zhu et al., "Unpaired Image-to-Image Translation using
    Cycle-Consistent Adversarial Networks", ICCV 2017 (appendix 7.2); Johnson
    et al., "Perceptual Losses for Real-Time Style Transfer and
    Super-Resolution", ECCV 2016.
    """
    image_size = check_positive_int("image_size", image_size)
    input_channels = check_positive_int("input_channels", input_channels)
    output_channels = check_positive_int("output_channels", output_channels)
    filters = check_positive_int("filters", filters)
    downsamplings = check_positive_int("downsamplings", downsamplings, minimum=0)
    residual_blocks = (
        default_residual_blocks(image_size)
        if residual_blocks is None
        else check_positive_int("residual_blocks", residual_blocks, minimum=0)
    )
    check_in("normalization", normalization, NORMALIZATIONS)
    if image_size % (2**downsamplings) != 0 or image_size // (2**downsamplings) < 2:
        raise ValueError(
            "Expected `image_size` divisible by 2**downsamplings with at least 2 pixels left. "
            f"Received: image_size={image_size}, downsamplings={downsamplings}"
        )

    def conv_block(x, width, kernel, stride, label, activation=True):
        if stride == 1:
            x = ReflectionPadding2D(kernel // 2, name=f"{label}_pad")(x)
        x = keras.layers.Conv2D(
            width, kernel, strides=stride, padding="valid" if stride == 1 else "same",
            name=f"{label}_conv",
        )(x)
        x = normalization_layer(normalization, f"{label}_norm")(x)
        return keras.layers.ReLU(name=f"{label}_act")(x) if activation else x

    source = keras.Input((image_size, image_size, input_channels), name="source")
    x = conv_block(source, filters, 7, 1, "stem")
    for index in range(downsamplings):
        x = conv_block(x, filters * 2 ** (index + 1), 3, 2, f"down{index}")
    width = filters * 2**downsamplings
    for index in range(residual_blocks):
        y = conv_block(x, width, 3, 1, f"res{index}_a")
        y = conv_block(y, width, 3, 1, f"res{index}_b", activation=False)
        x = keras.layers.Add(name=f"res{index}_add")([x, y])
    for index in reversed(range(downsamplings)):
        x = keras.layers.Conv2DTranspose(
            filters * 2**index, 3, strides=2, padding="same", name=f"up{index}_conv"
        )(x)
        x = normalization_layer(normalization, f"up{index}_norm")(x)
        x = keras.layers.ReLU(name=f"up{index}_act")(x)
    x = ReflectionPadding2D(3, name="output_pad")(x)
    # float32 under mixed precision: images leave the model at full precision
    # and the L1/cycle losses compare them with float32 data.
    output = keras.layers.Conv2D(
        output_channels, 7, padding="valid", activation="tanh", name="output", dtype="float32"
    )(x)
    return keras.Model(source, output, name=name)
