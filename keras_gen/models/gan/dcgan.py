"""DCGAN: the convolutional GAN of Radford et al., built for an image shape."""

import keras

from keras_gen.models.gan.gan import GAN
from keras_gen.utils import check_positive_int

__all__ = ["DCGAN", "dcgan_generator", "dcgan_discriminator"]


def _plan(image_shape):
    if len(image_shape) != 3 or image_shape[0] != image_shape[1] or image_shape[2] not in (1, 3):
        raise ValueError(
            "Expected `image_shape` to be (side, side, 1 or 3). "
            f"Received: image_shape={tuple(image_shape)}"
        )
    side = image_shape[0]
    for start in (7, 4):
        size, upsamplings = start, 0
        while size < side:
            size, upsamplings = size * 2, upsamplings + 1
        if size == side and upsamplings >= 1:
            return start, upsamplings
    raise ValueError(
        "Expected `image_shape` sides of 4 or 7 times a power of two (28, 32, 64, ...). "
        f"Received: image_shape={tuple(image_shape)}"
    )


def _init():
    # Radford et al.: all weights from N(0, 0.02).
    return keras.initializers.RandomNormal(0.0, 0.02)


def dcgan_generator(image_shape, latent_dim=100, base_filters=64, num_classes=None):
    """The DCGAN generator: dense projection, then stride-2 transposed
    convolutions with batch norm and ReLU, tanh output (float32).

    Args:
        image_shape: `(side, side, channels)`, side 4 or 7 times 2^n.
        latent_dim: noise size.
        base_filters: filters of the last hidden layer; doubled per layer
            towards the projection.
        num_classes: if set, a second int input of class labels is embedded
            and concatenated to the noise (conditional GAN).

    Returns:
        A functional `keras.Model` (noise[, labels]) -> images in [-1, 1].

    Example:

    >>> dcgan_generator((28, 28, 1), latent_dim=8, base_filters=4).output_shape
    (None, 28, 28, 1)
    """
    start, upsamplings = _plan(image_shape)
    noise = keras.Input((latent_dim,), name="noise")
    inputs, x = [noise], noise
    if num_classes:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        x = keras.layers.Concatenate()([noise, keras.layers.Embedding(num_classes, 50)(labels)])
    filters = base_filters * 2 ** (upsamplings - 1)
    x = keras.layers.Dense(start * start * filters, use_bias=False, kernel_initializer=_init())(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((start, start, filters))(x)
    for _ in range(upsamplings - 1):
        filters //= 2
        x = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False,
                                         kernel_initializer=_init())(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(image_shape[2], 4, strides=2, padding="same",
                                     kernel_initializer=_init())(x)
    images = keras.layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(inputs if num_classes else noise, images, name="generator")


def dcgan_discriminator(image_shape, base_filters=64, num_classes=None, batch_norm=True):
    """The DCGAN discriminator: stride-2 convolutions with leaky ReLU (0.2),
    batch norm after the first, one float32 logit out.

    Args:
        image_shape: `(side, side, channels)`.
        base_filters: filters of the first convolution, doubled per layer.
        num_classes: if set, a second int input of labels is embedded as an
            extra image channel (conditional GAN).
        batch_norm: use batch norm (off for WGAN-GP, whose penalty is per
            sample).

    Returns:
        A functional `keras.Model` images[, labels] -> logits `(batch, 1)`.

    Example:

    >>> dcgan_discriminator((32, 32, 3), base_filters=4).output_shape
    (None, 1)
    """
    _, downsamplings = _plan(image_shape)
    images = keras.Input(tuple(image_shape), name="images")
    inputs, x = [images], images
    if num_classes:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        side = image_shape[0]
        plane = keras.layers.Embedding(num_classes, side * side)(labels)
        plane = keras.layers.Reshape((side, side, 1))(plane)
        x = keras.layers.Concatenate()([images, plane])
    filters = base_filters
    for index in range(downsamplings):
        x = keras.layers.Conv2D(filters, 4, strides=2, padding="same",
                                use_bias=not (batch_norm and index), kernel_initializer=_init())(x)
        if batch_norm and index:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        filters *= 2
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1, dtype="float32", kernel_initializer=_init(), name="logits")(x)
    return keras.Model(inputs if num_classes else images, logits, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gen")
class DCGAN(GAN):
    """A GAN with the DCGAN networks built for `image_shape`.

    28×28 greyscale (MNIST, Fashion-MNIST), 32×32 and 64×64 colour, or any
    square side of 4 or 7 times a power of two. Images must be scaled to
    [-1, 1] (tanh output). Defaults follow the paper: noise of 100, Adam
    2e-4 with beta_1 = 0.5 (`compile()` defaults).

    Args:
        image_shape: `(side, side, channels)`.
        latent_dim: noise size.
        base_filters: width of the networks (64 in the paper).
        **kwargs: `GAN` options (`loss`, `discriminator_steps`,
            `label_smoothing`, `instance_noise`, `seed`, ...). With
            `loss="wasserstein_gp"` the discriminator has no batch norm.

    Returns:
        A `GAN`.

    Example:

    >>> import numpy as np
    >>> gan = DCGAN((28, 28, 1), latent_dim=16, base_filters=8)
    >>> gan.compile()
    >>> _ = gan.fit(np.zeros((8, 28, 28, 1), "float32"), batch_size=8, verbose=0)
    >>> gan.sample(2).shape
    (2, 28, 28, 1)

    Reference: Radford, Metz & Chintala, "Unsupervised Representation
    Learning with Deep Convolutional Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, base_filters=64, **kwargs):
        image_shape = tuple(int(v) for v in image_shape)
        latent_dim = check_positive_int("latent_dim", latent_dim)
        base_filters = check_positive_int("base_filters", base_filters)
        for key in ("generator", "discriminator"):
            kwargs.pop(key, None)  # rebuilt from the shape (as in a saved config)
        batch_norm = kwargs.get("loss", "non_saturating") != "wasserstein_gp"
        super().__init__(
            dcgan_generator(image_shape, latent_dim, base_filters),
            dcgan_discriminator(image_shape, base_filters, batch_norm=batch_norm),
            latent_dim,
            **kwargs,
        )
        self.image_shape = image_shape
        self.base_filters = base_filters

    def get_config(self):
        config = super().get_config()
        for key in ("generator", "discriminator"):
            config.pop(key)
        config.update({"image_shape": list(self.image_shape), "base_filters": self.base_filters})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
