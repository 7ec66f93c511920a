"""Encoder/decoder pairs (dense and convolutional) shared by the autoencoders and the VAE."""

import keras

from keras_gen.utils import check_positive_int

__all__ = ["dense_networks", "conv_networks", "check_networks"]


def _as_shape(name, input_shape):
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"Expected `{name}` to be a tuple of positive integers. Received: {name}={input_shape!r}"
        ) from None
    if not shape or any(s < 1 for s in shape):
        raise ValueError(
            f"Expected `{name}` to be a tuple of positive integers. Received: {name}={input_shape!r}"
        )
    return shape


def _units(name, values):
    values = (values,) if isinstance(values, int) else tuple(values)
    return tuple(check_positive_int(name, v) for v in values)


def dense_networks(
    input_shape,
    hidden_units,
    code_units,
    decoder_input_units=None,
    activation="relu",
    code_activation=None,
    output_activation="sigmoid",
    kernel_regularizer=None,
):
    """Builds a dense encoder (input → hidden → code) and its mirror decoder.

    Args:
        input_shape: shape of one sample, e.g. `(784,)` or `(28, 28, 1)`;
            images are flattened and the decoder reshapes back.
        hidden_units: sizes of the hidden layers, input side first.
        code_units: size of the encoder's output.
        decoder_input_units: size of the decoder's input (defaults to
            `code_units`; a VAE's encoder outputs twice its latent size).
        activation: activation of the hidden layers.
        code_activation: activation of the encoder output.
        output_activation: activation of the decoder output (`None` for
            logits).
        kernel_regularizer: regularizer for every kernel.

    Returns:
        `(encoder, decoder)` functional Keras models.

    Example:

    >>> encoder, decoder = dense_networks((64,), (32,), 8)
    >>> tuple(decoder.output.shape)
    (None, 64)
    """
    input_shape = _as_shape("input_shape", input_shape)
    hidden_units = _units("hidden_units", hidden_units)
    code_units = check_positive_int("code_units", code_units)
    decoder_input_units = check_positive_int(
        "decoder_input_units", decoder_input_units or code_units
    )
    features = 1
    for size in input_shape:
        features *= size

    inputs = keras.Input(input_shape, name="inputs")
    h = keras.layers.Flatten()(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, kernel_regularizer=kernel_regularizer,
                               name=f"encoder_dense_{i}")(h)
    codes = keras.layers.Dense(code_units, activation=code_activation,
                               kernel_regularizer=kernel_regularizer, name="code")(h)
    encoder = keras.Model(inputs, codes, name="encoder")

    code_inputs = keras.Input((decoder_input_units,), name="codes")
    h = code_inputs
    for i, units in enumerate(reversed(hidden_units)):
        h = keras.layers.Dense(units, activation=activation, kernel_regularizer=kernel_regularizer,
                               name=f"decoder_dense_{i}")(h)
    outputs = keras.layers.Dense(features, activation=output_activation,
                                 kernel_regularizer=kernel_regularizer, name="reconstruction")(h)
    if len(input_shape) > 1:
        outputs = keras.layers.Reshape(input_shape)(outputs)
    decoder = keras.Model(code_inputs, outputs, name="decoder")
    return encoder, decoder


def conv_networks(
    input_shape,
    filters,
    code_units,
    decoder_input_units=None,
    activation="relu",
    code_activation=None,
    output_activation="sigmoid",
    kernel_size=4,
):
    """Builds a strided convolutional encoder and a transposed-conv decoder.

    Each conv layer halves the height and width, so both must be divisible by
    `2 ** len(filters)`.

    Args:
        input_shape: `(height, width, channels)`.
        filters: channels of each strided conv layer, input side first.
        code_units: size of the encoder's output.
        decoder_input_units: size of the decoder's input (defaults to
            `code_units`).
        activation: activation of the hidden layers.
        code_activation: activation of the encoder output.
        output_activation: activation of the decoder output (`None` for logits).
        kernel_size: conv kernel size.

    Returns:
        `(encoder, decoder)` functional Keras models.

    Example:

    >>> encoder, decoder = conv_networks((8, 8, 1), (4,), 3)
    >>> tuple(decoder.output.shape)
    (None, 8, 8, 1)
    """
    input_shape = _as_shape("input_shape", input_shape)
    if len(input_shape) != 3:
        raise ValueError(
            f"Expected `input_shape` to be (height, width, channels). Received: input_shape={input_shape}"
        )
    filters = _units("filters", filters)
    code_units = check_positive_int("code_units", code_units)
    decoder_input_units = check_positive_int(
        "decoder_input_units", decoder_input_units or code_units
    )
    height, width, channels = input_shape
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(
            f"Expected the image height and width to be divisible by 2**len(filters)={factor}. "
            f"Received: input_shape={input_shape}, filters={filters}"
        )

    inputs = keras.Input(input_shape, name="inputs")
    h = inputs
    for i, count in enumerate(filters):
        h = keras.layers.Conv2D(count, kernel_size, strides=2, padding="same",
                                activation=activation, name=f"encoder_conv_{i}")(h)
    h = keras.layers.Flatten()(h)
    codes = keras.layers.Dense(code_units, activation=code_activation, name="code")(h)
    encoder = keras.Model(inputs, codes, name="encoder")

    small = (height // factor, width // factor, filters[-1])
    code_inputs = keras.Input((decoder_input_units,), name="codes")
    h = keras.layers.Dense(small[0] * small[1] * small[2], activation=activation,
                           name="decoder_dense")(code_inputs)
    h = keras.layers.Reshape(small)(h)
    for i, count in enumerate(reversed(filters[:-1])):
        h = keras.layers.Conv2DTranspose(count, kernel_size, strides=2, padding="same",
                                         activation=activation, name=f"decoder_deconv_{i}")(h)
    outputs = keras.layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same",
                                           activation=output_activation, name="reconstruction")(h)
    decoder = keras.Model(code_inputs, outputs, name="decoder")
    return encoder, decoder


def check_networks(encoder, decoder, variational=False):
    """Checks that an encoder and a decoder fit together, before any training.

    Args:
        encoder: a Keras model mapping data to codes (rank-2 output).
        decoder: a Keras model mapping codes back to data.
        variational: the encoder outputs a mean and a log-variance
            (`2 * latent_dim` units) and the decoder takes `latent_dim`.

    Returns:
        `(data_shape, code_size)`: the shape of one sample and the encoder's
        output size.

    Example:

    >>> check_networks(*dense_networks((16,), (8,), 4))
    ((16,), 4)
    """
    for name, model in (("encoder", encoder), ("decoder", decoder)):
        if not isinstance(model, keras.Model):
            raise ValueError(
                f"Expected `{name}` to be a keras.Model. Received: {name} of type {type(model).__name__}"
            )
        if not model.built or not model.inputs:
            raise ValueError(
                f"Expected `{name}` to be a built model with a known input shape "
                f"(a functional model or a Sequential starting with keras.Input). Received: {name}={model.name!r}"
            )
    data_shape = tuple(encoder.inputs[0].shape[1:])
    code_shape = tuple(encoder.outputs[0].shape[1:])
    if len(code_shape) != 1 or code_shape[0] is None:
        raise ValueError(
            f"Expected the encoder to output flat codes (batch, units). Received: encoder output "
            f"shape {(None,) + code_shape}"
        )
    expected_in = code_shape[0]
    if variational:
        if expected_in % 2:
            raise ValueError(
                "Expected the encoder to output 2 * latent_dim units (mean and log-variance). "
                f"Received: encoder output size {expected_in}"
            )
        expected_in //= 2
    decoder_in = tuple(decoder.inputs[0].shape[1:])
    if decoder_in != (expected_in,):
        raise ValueError(
            f"Expected the decoder input shape to be (None, {expected_in}) to match the encoder. "
            f"Received: decoder input shape {(None,) + decoder_in}"
        )
    decoder_out = tuple(decoder.outputs[0].shape[1:])
    if decoder_out != data_shape:
        raise ValueError(
            f"Expected the decoder output shape to equal the encoder input shape {(None,) + data_shape}. "
            f"Received: decoder output shape {(None,) + decoder_out}"
        )
    return data_shape, code_shape[0]


def networks_from_config(config):
    """Returns `config` with its serialized `encoder` and `decoder` rebuilt.

    Shared by the `from_config` of every encoder/decoder model (autoencoders
    and the VAE), so nested networks load the same way everywhere.
    """
    config = dict(config)
    for key in ("encoder", "decoder"):
        config[key] = keras.saving.deserialize_keras_object(config[key])
    return config
