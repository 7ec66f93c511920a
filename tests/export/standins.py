"""Tiny stand-ins for the parts the real models export (importable by the export worker)."""

import keras
import numpy as np
from keras import layers

from keras_gen.layers.instance_normalization import InstanceNormalization
from keras_gen.models import GenerativeModel


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class ReflectionPadding(layers.Layer):
    """Pads height and width by reflection (CycleGAN's ResNet generator)."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = padding

    def call(self, x):
        p = self.padding
        return keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, shape):
        p = 2 * self.padding
        return (shape[0], shape[1] + p, shape[2] + p, shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class Threshold(layers.Layer):
    """Deterministic binary code: 1 where the probability exceeds 0.5."""

    def call(self, x):
        return keras.ops.cast(x > 0.5, x.dtype)


def _randomize_batch_norm(model, seed=0):
    # Non-trivial moving statistics, so exporting batch norm in training mode
    # (batch statistics) would differ from Keras inference.
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            mean, variance = layer.moving_mean, layer.moving_variance
            mean.assign(rng.normal(0, 0.5, mean.shape).astype("float32"))
            variance.assign(rng.uniform(0.5, 2.0, variance.shape).astype("float32"))
    return model


def _meta(inputs, output_range):
    return {"inputs": inputs, "output_range": output_range}


def dcgan_generator(latent=8):
    z = keras.Input((latent,), name="z")
    h = layers.Reshape((4, 4, 8))(layers.Dense(4 * 4 * 8)(z))
    h = layers.ReLU()(layers.BatchNormalization()(
        layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)))
    x = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(h)
    model = _randomize_batch_norm(keras.Model(z, x, name="dcgan_generator"))
    return model, _meta({"z": {"range": None, "distribution": "normal", "description": "noise"}},
                        [-1.0, 1.0])


def conditional_generator(latent=8, classes=10):
    z = keras.Input((latent,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(classes, latent)(label)
    h = layers.Dense(4 * 4 * 4, activation="relu")(layers.Concatenate()([z, embedded]))
    h = layers.Reshape((4, 4, 4))(h)
    x = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(h)
    return keras.Model([z, label], x, name="conditional_generator"), _meta(
        {"z": {"range": None, "distribution": "normal", "description": "noise"},
         "label": {"range": [0, classes - 1], "distribution": "label", "description": "class"}},
        [-1.0, 1.0])


def vae_decoder(latent=4, features=64):
    z = keras.Input((latent,), name="z")
    x = layers.Dense(features, activation="sigmoid")(layers.Dense(32, activation="relu")(z))
    return keras.Model(z, x, name="vae_decoder"), _meta(
        {"z": {"range": None, "distribution": "normal", "description": "latent"}}, [0.0, 1.0])


def vae_encoder(latent=4, features=64):
    x = keras.Input((features,), name="x")
    mean = layers.Dense(latent)(layers.Dense(32, activation="relu")(x))
    return keras.Model(x, mean, name="vae_encoder"), _meta(
        {"x": {"range": [0.0, 1.0], "distribution": "image", "description": "8x8 digit"}}, None)


def unet_generator(size=16, channels=3):
    image = keras.Input((size, size, channels), name="image")
    down = layers.LeakyReLU(0.2)(layers.Conv2D(8, 4, strides=2, padding="same")(image))
    bottom = layers.LeakyReLU(0.2)(layers.BatchNormalization()(
        layers.Conv2D(16, 4, strides=2, padding="same")(down)))
    up = layers.Dropout(0.5)(layers.BatchNormalization()(
        layers.Conv2DTranspose(8, 4, strides=2, padding="same")(bottom)))
    up = layers.Concatenate()([layers.ReLU()(up), down])
    x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh")(up)
    model = _randomize_batch_norm(keras.Model(image, x, name="unet_generator"))
    return model, _meta(
        {"image": {"range": [-1.0, 1.0], "distribution": "image", "description": "label map"}},
        [-1.0, 1.0])


def resnet_generator(size=16, channels=3):
    image = keras.Input((size, size, channels), name="image")
    h = layers.Conv2D(8, 3)(ReflectionPadding(1)(image))
    h = layers.ReLU()(InstanceNormalization()(h))
    r = layers.Conv2D(8, 3)(ReflectionPadding(1)(h))
    h = layers.Add()([h, InstanceNormalization()(r)])
    x = layers.Conv2D(channels, 3, activation="tanh")(ReflectionPadding(1)(h))
    return keras.Model(image, x, name="resnet_generator"), _meta(
        {"image": {"range": [-1.0, 1.0], "distribution": "image", "description": "photo"}},
        [-1.0, 1.0])


def rbm_parts(visible=64, hidden=16):
    x = keras.Input((visible,), name="visible")
    dense = layers.Dense(hidden, activation="sigmoid")
    probabilities = dense(x)
    inputs = {"visible": {"range": [0.0, 1.0], "distribution": "binary", "description": "pixels"}}
    return {
        "features": (keras.Model(x, probabilities, name="features"), _meta(inputs, [0.0, 1.0])),
        "binary_codes": (keras.Model(x, Threshold()(probabilities), name="binary_codes"),
                         _meta(inputs, [0.0, 1.0])),
    }


class TinyVAE(GenerativeModel):
    """A `GenerativeModel` whose `export_parts()` gives stand-in parts."""

    def __init__(self):
        super().__init__()
        self.parts = {"encoder": vae_encoder(), "decoder": vae_decoder()}

    def export_parts(self):
        return self.parts


BUILDERS = {
    "dcgan_generator": dcgan_generator,
    "conditional_generator": conditional_generator,
    "vae_decoder": vae_decoder,
    "vae_encoder": vae_encoder,
    "unet_generator": unet_generator,
    "resnet_generator": resnet_generator,
    "rbm_features": lambda: rbm_parts()["features"],
    "rbm_binary_codes": lambda: rbm_parts()["binary_codes"],
}


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class LogDeterminant(layers.Layer):
    """log det of 2x2 blocks: lowers to Cholesky, which TFLite has no builtin for."""

    def call(self, x):
        blocks = keras.ops.reshape(x, (-1, 2, 2)) + 3.0 * keras.ops.eye(2)
        return keras.ops.expand_dims(keras.ops.logdet(blocks), -1)

    def compute_output_shape(self, shape):
        return (shape[0], 1)


def flex_model():
    x = keras.Input((4,), name="x")
    return keras.Model(x, LogDeterminant()(x), name="needs_flex")
