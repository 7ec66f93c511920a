"""Pix2Pix: paired image-to-image translation with a conditional GAN."""

import keras

from keras_gen.data import image_pair_checks
from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.models.pix2pix.unet_generator import check_unet_size
from keras_gen.models.pix2pix.unet_generator import unet_generator
from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import minimize
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["Pix2Pix"]


def _l1(x, y):
    return keras.ops.mean(keras.ops.abs(x - y))


def default_optimizer():
    """Adam(2e-4, beta_1=0.5), the paper's setting for both players."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gen")
class Pix2Pix(AdversarialModel):
    """Pix2Pix: a U-Net generator and a conditional PatchGAN discriminator.

    The generator `G` translates a source image `x` into the target domain;
    the discriminator `D` sees `x` with either the real target `y` or
    `G(x)` and scores every patch. The generator minimises
    `BCE(D(x, G(x)), 1) + l1_weight * |y - G(x)|_1`; the discriminator
    `(BCE(D(x, y), 1) + BCE(D(x, G(x)), 0)) / 2`. Images are in [-1, 1].
    Train with `fit(source, target)` or a dataset of `(source, target)`
    batches; jitter and mirroring belong to the data pipeline.
    `evaluate(source, target)` and `fit(validation_data=...)` report the
    same losses in inference mode, without updating anything.

    Args:
        image_size: side of the square images. Presets: 256 (the paper's
            8-block U-Net and 70x70 PatchGAN) and 128 (7 blocks, 34x34).
        input_channels: channels of the source images.
        output_channels: channels of the target images.
        generator_filters: filters of the first U-Net block.
        discriminator_filters: filters of the first PatchGAN block.
        depth: U-Net blocks; defaults to halving `image_size` down to 1x1.
        discriminator_layers: PatchGAN stride-2 blocks; defaults to scaling
            the receptive field with the image (70 px at 256).
        dropout: dropout of the three innermost decoder blocks (the noise).
        normalization: "instance" (default: the paper's batch norm at batch
            size 1, and identical in training and inference), "batch", "none".
        l1_weight: the paper's lambda, weight of the L1 term (100).
        **kwargs: base `keras.Model` arguments (`name`).

    Returns:
        A model; `model(x)` and `translate(x)` give translated images.

    Example:

    >>> import numpy as np
    >>> model = Pix2Pix(image_size=32, generator_filters=4, discriminator_filters=4)
    >>> model.compile()
    >>> x = np.random.uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    >>> history = model.fit(x, x, batch_size=2, epochs=1, verbose=0)
    >>> model.translate(x).shape
    (4, 32, 32, 3)

    Reference: Isola, Zhu, Zhou and Efros, "Image-to-Image Translation with
    Conditional Adversarial Networks", CVPR 2017.
    """

    def __init__(
        self,
        image_size=128,
        input_channels=3,
        output_channels=3,
        generator_filters=64,
        discriminator_filters=64,
        depth=None,
        discriminator_layers=None,
        dropout=0.5,
        normalization="instance",
        l1_weight=100.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.image_size, _ = check_unet_size(image_size, depth)
        self.depth = depth
        self.input_channels = check_positive_int("input_channels", input_channels)
        self.output_channels = check_positive_int("output_channels", output_channels)
        self.l1_weight = check_non_negative("l1_weight", l1_weight)
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.discriminator_layers = discriminator_layers
        self.dropout = dropout
        self.normalization = normalization
        self.generator = unet_generator(
            image_size, input_channels, output_channels, generator_filters, depth, dropout,
            normalization, name="generator",
        )
        self.discriminator = patchgan_discriminator(
            image_size, input_channels + output_channels, discriminator_filters,
            discriminator_layers, normalization, name="discriminator",
        )
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", "l1_loss")
        }
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def compile(self, generator_optimizer=None, discriminator_optimizer=None, **kwargs):
        """Compiles with one optimizer per player (default Adam(2e-4, beta_1=0.5)).

        Args:
            generator_optimizer: optimizer of the U-Net.
            discriminator_optimizer: optimizer of the PatchGAN.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`.
        """
        self.compile_optimizers(
            {
                "generator": generator_optimizer or default_optimizer(),
                "discriminator": discriminator_optimizer or default_optimizer(),
            },
            {
                "generator": self.generator.trainable_variables,
                "discriminator": self.discriminator.trainable_variables,
            },
            **kwargs,
        )

    def check_pair(self, x, y):
        """Checks the `(source, target)` pairs (training or validation) before any work."""
        image_pair_checks.check_image_pairs(x, y, self.image_size, ("source", self.input_channels),
                                            ("target", self.output_channels))
        return x, y

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate` on `(source, target)` pairs: `d_loss`, `g_loss`
        and `l1_loss` of the current networks in inference mode (no dropout),
        without updating them."""
        return super().evaluate(x, y, *args, **kwargs)  # checked by check_fit_data

    def _discriminator_loss(self, source, target, fake, training):
        ops = keras.ops
        real_logits = self.discriminator(ops.concatenate([source, target], -1), training=training)
        fake_logits = self.discriminator(ops.concatenate([source, fake], -1), training=training)
        return 0.5 * (ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits)))

    def _generator_loss(self, source, target, translated, training):
        ops = keras.ops
        logits = self.discriminator(ops.concatenate([source, translated], -1), training=training)
        return ops.mean(ops.softplus(-logits)) + self.l1_weight * _l1(target, translated)

    def _unpack(self, data):
        source, target, _ = keras.utils.unpack_x_y_sample_weight(data)
        if target is None:
            source, target = source
        return source, target

    def _update_trackers(self, d_loss, g_loss, fake, target):
        stop = keras.ops.stop_gradient
        self.trackers["d_loss"].update_state(stop(d_loss))
        self.trackers["g_loss"].update_state(stop(g_loss))
        self.trackers["l1_loss"].update_state(_l1(target, stop(fake)))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def adversarial_step(self, data):
        source, target = self._unpack(data)
        fake = keras.ops.stop_gradient(self.generator(source, training=True))

        def discriminator_loss():
            return self._discriminator_loss(source, target, fake, True)

        def generator_loss():
            translated = self.generator(source, training=True)
            return self._generator_loss(source, target, translated, True)

        d_loss = minimize(
            discriminator_loss, self.discriminator.trainable_variables,
            self.optimizer["discriminator"],
        )
        g_loss = minimize(
            generator_loss, self.generator.trainable_variables, self.optimizer["generator"]
        )
        # L1 of this step's translation, before the generator update.
        return self._update_trackers(d_loss, g_loss, fake, target)

    def evaluation_step(self, data):
        source, target = self._unpack(data)
        fake = self.generator(source, training=False)
        d_loss = self._discriminator_loss(source, target, fake, False)
        g_loss = self._generator_loss(source, target, fake, False)
        return self._update_trackers(d_loss, g_loss, fake, target)

    @old_positional_order(old=("batch_size", "noise"), new=("batch_size",))
    def translate(self, images, batch_size=32, *, noise=False):
        """Translates source images into the target domain.

        Args:
            images: `(N, S, S, input_channels)` (or one `(S, S, C)` image),
                float in [-1, 1], or uint8 in [0, 255] (rescaled).
            batch_size: images per generator call.
            noise: keep dropout on (the paper's stochastic test-time
                generator); off by default, which is deterministic and is
                what `export_parts()` exports. By keyword (by position it
                still works for one release, deprecated).

        Returns:
            A float32 NumPy array `(N, S, S, output_channels)` in [-1, 1].
        """
        images = image_pair_checks.to_image_batch("images", images, self.image_size, self.input_channels)
        return self.apply_in_batches(
            lambda batch: self.generator(batch, training=noise), images, batch_size)

    def export_parts(self):
        """The U-Net for export: `{"generator": (model, metadata)}` (inference mode)."""
        metadata = {
            "inputs": {
                "source": {
                    "range": [-1.0, 1.0],
                    "distribution": "image",
                    "description": "source image (e.g. a label map), NHWC in [-1, 1]",
                }
            },
            "output_range": [-1.0, 1.0],
        }
        return {"generator": (self.generator, metadata)}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_size": self.image_size,
                "input_channels": self.input_channels,
                "output_channels": self.output_channels,
                "generator_filters": self.generator_filters,
                "discriminator_filters": self.discriminator_filters,
                "depth": self.depth,
                "discriminator_layers": self.discriminator_layers,
                "dropout": self.dropout,
                "normalization": self.normalization,
                "l1_weight": self.l1_weight,
            }
        )
        return config
