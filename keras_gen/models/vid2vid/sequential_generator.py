"""The sequential generator of Vid2Vid: one frame from maps and the previous frames."""

import keras

from keras_gen.layers.instance_normalization import InstanceNormalization
from keras_gen.layers.normalization import NORMALIZATIONS
from keras_gen.layers.normalization import normalization_layer
from keras_gen.models.pix2pix.unet_generator import unet_generator
from keras_gen.models.vid2vid.flow_warp import FlowWarp
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["GENERATOR_OUTPUTS", "HALLUCINATIONS", "check_generator_size", "export_generator",
           "sequential_generator"]

# Outputs of the generator, in order: the frame, and the three heads it blends.
GENERATOR_OUTPUTS = ("frame", "flow", "mask", "hallucinated")
# Most stride-2 stages of the encoders: the residual blocks run at 1/16
# scale when the image allows it, never below 4x4 (where instance
# normalization would be degenerate).
MAX_DOWNSAMPLINGS = 4
SMALLEST = 4
# Where the hallucinated frame comes from (see `sequential_generator`);
# "shared" is the head of Vid2Vid files saved before the U-Net.
HALLUCINATIONS = ("dilated", "unet", "shared")
# Dilation rates of the "dilated" stack: it sees 32 px on each side, a whole
# 28-px digit box from any of its pixels.
DILATIONS = (1, 2, 4, 8) * 2


def downsamplings(image_size):
    """Stride-2 stages for `image_size`: as many as halve it exactly down to >= 4 px, at most 4.

    Example:

    >>> downsamplings(64), downsamplings(32), downsamplings(16), downsamplings(48)
    (4, 3, 2, 3)
    """
    levels = 0
    while (levels < MAX_DOWNSAMPLINGS and image_size % 2 ** (levels + 1) == 0
           and image_size // 2 ** (levels + 1) >= SMALLEST):
        levels += 1
    return levels


def check_generator_size(image_size):
    """Raises `ValueError` unless `image_size` halves at least twice down to >= 4 px."""
    image_size = check_positive_int("image_size", image_size)
    if downsamplings(image_size) < 2:
        raise ValueError(
            f"Expected `image_size` divisible by 4 and at least {4 * SMALLEST} (the generator "
            f"halves it at least twice, down to {SMALLEST} px or more). Received: "
            f"image_size={image_size}"
        )
    return image_size


def _normalization(kind, name):
    # InstanceNormalization even inside `group_instance_normalization()`: the
    # generator has stored it since Vid2Vid began (files whose discriminators
    # still stored GroupNormalization load under that context).
    if kind == "instance":
        return InstanceNormalization(name=name)
    return normalization_layer(kind, name)


def _block(x, filters, normalization, name, strides=2, transpose=False):
    layer = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
    x = layer(filters, 4 if strides == 2 else 3, strides=strides, padding="same",
              name=f"{name}_conv")(x)
    x = _normalization(normalization, f"{name}_norm")(x)
    return keras.layers.ReLU(name=f"{name}_act")(x)


def _encoder(x, filters, levels, normalization, name):
    """Features at 1/2, 1/4, ... 1/2**levels scale (filters doubling)."""
    features = []
    for level in range(levels):
        features.append(_block(x if level == 0 else features[-1], filters * 2**level,
                               normalization, f"{name}{level}"))
    return features


def _head(x, filters, activation, name):
    # float32 under mixed precision: frames and flows leave at full precision.
    return keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                        activation=activation, name=name, dtype="float32")(x)


def _dilated(current, channels, filters, normalization):
    """Full-resolution residual stack of dilated stride-1 convolutions on the map.

    Without a stride there is no sampling grid: a map moved by a few pixels
    gives the same picture moved with it (up to what the image borders and
    the normalization's image-wide statistics add), where a strided U-Net
    redraws a digit differently at each position. The background channel
    (class 0) is left out: the stack draws from the digits' boxes alone.
    """
    x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name="dilated_in")(
        current[..., 1:])
    for i, rate in enumerate(DILATIONS):
        y = keras.layers.Conv2D(filters, 3, padding="same", dilation_rate=rate, use_bias=False,
                                name=f"dilated{i}_conv")(x)
        y = _normalization(normalization, f"dilated{i}_norm")(y)
        x = keras.layers.Add(name=f"dilated{i}")([x, keras.layers.ReLU(name=f"dilated{i}_act")(y)])
    # A small start, so that tanh starts far from saturation.
    return keras.layers.Conv2D(channels, 3, padding="same", activation="tanh",
                               kernel_initializer=keras.initializers.RandomNormal(stddev=0.02),
                               name="hallucinated", dtype="float32")(x)


def sequential_generator(image_size=64, num_classes=11, channels=1, history=2, filters=16,
                         blocks=3, normalization="instance", hallucination="dilated",
                         name="generator"):
    """Builds Vid2Vid's per-frame generator: flow, occlusion-mask and hallucination heads.

    Two encoders of stride-2 convolutions, one for the semantic maps (the
    current one and the `history` previous ones) and one for the `history`
    previous frames, are summed and refined by residual blocks at 1/16
    scale (1/8 or 1/4 for small frames, never below 4x4). A decoder with
    skips from the map encoder (as a U-Net) leads to two heads: one
    estimates the backward optical flow to the previous frame and one an
    occlusion mask `m` in [0, 1]. The frame is hallucinated from scratch
    (`tanh`) from the current map: by default by a full-resolution residual
    stack of dilated convolutions (`2 * filters` wide, no stride, so a map
    moved by a few pixels gives the same picture moved with it and the
    frames agree even where they are drawn anew), with
    `hallucination="unet"` by Pix2Pix's U-Net (the paper's single-image
    generator, which it uses for the first frame; its strides redraw a
    digit differently at each position), or with `hallucination="shared"`
    by a third head on the trunk. The previous frame warped by the flow is
    blended with the hallucination:
    `frame = m * hallucinated + (1 - m) * warp(previous_frame, flow)`,
    so content seen before is carried along and only what appears is drawn
    anew. The first frame of a video is generated with blank history (all
    previous maps background, previous frames black), where the mask must
    hallucinate everything.

    Args:
        image_size: side of the square frames; divisible by 4, at least 16.
        num_classes: classes of the semantic maps (one-hot channels).
        channels: channels of the frames.
        history: previous maps and frames the generator sees (L).
        filters: filters of the first (1/2 scale) convolutions, doubling per
            downsampling.
        blocks: residual blocks at the smallest scale.
        normalization: "instance" (default; the same in training and
            inference, export-safe), "batch" or "none".
        hallucination: "dilated" (default), "unet" or "shared" (see above).
            "dilated" reads the classes from 1 on: class 0 is the
            background (the blank map before the first frame), where it
            draws nothing of its own.
        name: model name.

    Returns:
        A functional `keras.Model` with inputs `map` `(S, S, num_classes)`,
        `previous_maps` `(S, S, history * num_classes)` and
        `previous_frames` `(S, S, history * channels)` (oldest first, each
        one-hot map or frame in turn), and outputs `frame` `(S, S, channels)`
        in [-1, 1], `flow` `(S, S, 2)` in pixels `(dx, dy)`, `mask`
        `(S, S, 1)` and `hallucinated` `(S, S, channels)`.

    Example:

    >>> model = sequential_generator(image_size=16, num_classes=3, filters=4, blocks=1)
    >>> [tuple(tensor.shape) for tensor in model.outputs]
    [(None, 16, 16, 1), (None, 16, 16, 2), (None, 16, 16, 1), (None, 16, 16, 1)]

    Reference: Wang et al., "Video-to-Video Synthesis", NeurIPS 2018
    (section 3, the sequential generator and its flow/mask/hallucination
    decomposition, Eq. 4).
    """
    image_size = check_generator_size(image_size)
    num_classes = check_positive_int("num_classes", num_classes, minimum=2)
    channels = check_positive_int("channels", channels)
    history = check_positive_int("history", history)
    filters = check_positive_int("filters", filters)
    blocks = check_positive_int("blocks", blocks, minimum=0)
    check_in("normalization", normalization, NORMALIZATIONS)
    check_in("hallucination", hallucination, HALLUCINATIONS)

    shape = (image_size, image_size)
    current = keras.Input(shape + (num_classes,), name="map")
    previous_maps = keras.Input(shape + (history * num_classes,), name="previous_maps")
    previous_frames = keras.Input(shape + (history * channels,), name="previous_frames")

    maps = keras.layers.Concatenate(name="maps")([previous_maps, current])
    levels = downsamplings(image_size)
    semantic = _encoder(maps, filters, levels, normalization, "maps")
    frames = _encoder(previous_frames, filters, levels, normalization, "frames")
    x = keras.layers.Add(name="encoders")([semantic[-1], frames[-1]])
    width = filters * 2 ** (levels - 1)
    for block in range(blocks):
        y = _block(x, width, normalization, f"res{block}a", strides=1)
        y = keras.layers.Conv2D(width, 3, padding="same", name=f"res{block}b_conv")(y)
        y = _normalization(normalization, f"res{block}b_norm")(y)
        x = keras.layers.Add(name=f"res{block}")([x, y])
    # Up to 1/2 scale with the map encoder's features of each scale (U-Net
    # skips: they place box edges precisely), then one transposed
    # convolution per head to full scale.
    for level in reversed(range(levels - 1)):
        x = _block(x, filters * 2**level, normalization, f"up{level}", transpose=True)
        x = keras.layers.Concatenate(name=f"up{level}_skip")([x, semantic[level]])
    if hallucination == "shared":
        hallucinated = _head(x, channels, "tanh", "hallucinated")
    elif hallucination == "dilated":
        hallucinated = _dilated(current, channels, 2 * filters, normalization)
    else:
        # Deterministic (no dropout): a hallucination that changed from frame to
        # frame would flicker wherever the mask lets it through.
        unet = unet_generator(image_size, num_classes, channels, filters, dropout=0.0,
                              normalization=normalization, name="hallucination")
        hallucinated = keras.layers.Identity(name="hallucinated", dtype="float32")(unet(current))
    flow = _head(x, 2, None, "flow")
    mask = _head(x, 1, "sigmoid", "mask")

    latest = previous_frames[..., (history - 1) * channels :]
    warped = FlowWarp(name="warp", dtype="float32")([latest, flow])
    frame = keras.layers.Add(name="frame", dtype="float32")(
        [keras.layers.Multiply(name="new", dtype="float32")([mask, hallucinated]),
         keras.layers.Multiply(name="kept", dtype="float32")([1.0 - mask, warped])])
    return keras.Model([current, previous_maps, previous_frames],
                       [frame, flow, mask, hallucinated], name=name)


def export_generator(generator, history):
    """The exportable part of a `sequential_generator`: its frame output, and metadata.

    Args:
        generator: a model built by `sequential_generator`.
        history: its number of previous maps and frames.

    Returns:
        `(model, metadata)`: a functional model from `map`, `previous_maps`
        and `previous_frames` to the frame, sharing the generator's layers,
        and the input description `keras_gen.export` writes to the sidecar.

    Example:

    >>> model, metadata = export_generator(sequential_generator(16, 3, filters=2, blocks=0), 2)
    >>> model.output_shape, sorted(metadata["inputs"])
    ((None, 16, 16, 1), ['map', 'previous_frames', 'previous_maps'])
    """
    model = keras.Model(generator.inputs, generator.outputs[0], name="frame_generator")
    label = {"distribution": "label", "range": [0.0, 1.0]}
    before = "oldest first, on channels, "
    metadata = {
        "inputs": {
            "map": dict(label, description="one-hot label map of the frame, NHWC"),
            "previous_maps": dict(label, description=(
                f"the {history} previous one-hot maps, {before}background before the first")),
            "previous_frames": {"range": [-1.0, 1.0], "distribution": "image", "description": (
                f"the {history} previous generated frames in [-1, 1], {before}black (-1) "
                "before the first")},
        },
        "output_range": [-1.0, 1.0],
    }
    return model, metadata
