"""CycleGAN: unpaired image-to-image translation with cycle consistency."""

import keras
import numpy as np  # noqa: F401  (used by the docstring examples)

from keras_gen.models.cyclegan.image_pool import ImagePool
from keras_gen.models.cyclegan.linear_decay_schedule import LinearDecaySchedule
from keras_gen.models.cyclegan.resnet_generator import resnet_generator
from keras_gen.data import image_pair_checks
from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import minimize
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils.deprecation import old_positional_order
from keras_gen.utils.deprecation import warn_deprecated

__all__ = ["CycleGAN"]

DIRECTIONS = ("a_to_b", "b_to_a")


def _least_squares(outputs, label):
    return keras.ops.mean(keras.ops.square(outputs - label))


def _l1(x, y):
    return keras.ops.mean(keras.ops.abs(x - y))


def _old_reconstruct_arguments(direction="a_to_b", batch_size=32):
    return direction, batch_size


@keras.saving.register_keras_serializable(package="keras_gen")
class CycleGAN(AdversarialModel):
    """CycleGAN: two ResNet generators and two PatchGANs trained on unpaired domains.

    `G: A -> B` and `F: B -> A` are trained against discriminators `D_B`
    and `D_A` with the least-squares GAN loss, plus the cycle loss
    `|F(G(a)) - a|_1 + |G(F(b)) - b|_1` (weight `cycle_weight`, the paper's
    lambda = 10) and the identity loss `|G(b) - b|_1 + |F(a) - a|_1` (weight
    `identity_weight * cycle_weight`, 0.5 lambda). The discriminators see
    fakes drawn from a history pool of `pool_size` images. Both generators
    share one optimizer and both discriminators another (Adam moments are
    per parameter, so this equals the paper's four-way split). Images are in
    [-1, 1]. Train with `fit(a, b)` on equally many images of each domain,
    or on a dataset of unpaired `(a, b)` batches. `evaluate(a, b)` and
    `fit(validation_data=...)` report the same losses in inference mode on
    the batch's own fakes, without updating anything.

    Args:
        image_size: side of the square images.
        channels_a: channels of domain A.
        channels_b: channels of domain B.
        generator_filters: filters of the generators' first convolution.
        discriminator_filters: filters of the PatchGANs' first block.
        residual_blocks: residual blocks per generator (6 below 256 px, 9 from).
        discriminator_layers: PatchGAN stride-2 blocks (scaled to the image).
        cycle_weight: lambda, the weight of the cycle loss (10).
        identity_weight: identity loss weight as a fraction of lambda (0.5);
            needs `channels_a == channels_b` unless 0.
        pool_size: images in each history pool (50); 0 turns pools off.
        normalization: "instance" (default, `GroupNormalization(groups=-1)`),
            "batch" or "none".
        seed: seed of the pools' random draws.
        **kwargs: base `keras.Model` arguments (`name`).

    Returns:
        A model; `model(a)` and `translate(x, direction=...)` translate.

    Example:

    >>> import numpy as np
    >>> model = CycleGAN(image_size=16, generator_filters=4,
    ...                  discriminator_filters=4, residual_blocks=1)
    >>> model.compile(total_steps=4)
    >>> a = np.random.uniform(-1, 1, (4, 16, 16, 3)).astype("float32")
    >>> history = model.fit(a, -a, batch_size=1, epochs=1, verbose=0)
    >>> model.translate(a, direction="b_to_a").shape
    (4, 16, 16, 3)

    Reference: Zhu, Park, Isola and Efros, "Unpaired Image-to-Image
    Translation using Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    def __init__(
        self,
        image_size=128,
        channels_a=3,
        channels_b=3,
        generator_filters=64,
        discriminator_filters=64,
        residual_blocks=None,
        discriminator_layers=None,
        cycle_weight=10.0,
        identity_weight=0.5,
        pool_size=50,
        normalization="instance",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.image_size = check_positive_int("image_size", image_size)
        self.channels_a = check_positive_int("channels_a", channels_a)
        self.channels_b = check_positive_int("channels_b", channels_b)
        self.cycle_weight = check_non_negative("cycle_weight", cycle_weight)
        self.identity_weight = check_non_negative("identity_weight", identity_weight)
        self.pool_size = check_positive_int("pool_size", pool_size, minimum=0)
        if self.identity_weight > 0 and channels_a != channels_b:
            raise ValueError(
                "Expected `identity_weight=0` when the domains differ in channels (the "
                f"identity loss feeds B images to G: A -> B). Received: identity_weight="
                f"{identity_weight}, channels_a={channels_a}, channels_b={channels_b}"
            )
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.residual_blocks = residual_blocks
        self.discriminator_layers = discriminator_layers
        self.normalization = normalization
        self.seed = seed
        size = self.image_size
        self.generator_ab = resnet_generator(
            size, channels_a, channels_b, generator_filters, residual_blocks,
            normalization=normalization, name="generator_ab",
        )
        self.generator_ba = resnet_generator(
            size, channels_b, channels_a, generator_filters, residual_blocks,
            normalization=normalization, name="generator_ba",
        )
        self.discriminator_a = patchgan_discriminator(
            size, channels_a, discriminator_filters, discriminator_layers, normalization,
            name="discriminator_a",
        )
        self.discriminator_b = patchgan_discriminator(
            size, channels_b, discriminator_filters, discriminator_layers, normalization,
            name="discriminator_b",
        )
        self.pool_a = ImagePool(pool_size, (size, size, channels_a), seed, name="pool_a")
        self.pool_b = ImagePool(
            pool_size, (size, size, channels_b), None if seed is None else seed + 1, name="pool_b"
        )
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss")}
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _generator_variables(self):
        return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables

    def _discriminator_variables(self):
        return self.discriminator_a.trainable_variables + self.discriminator_b.trainable_variables

    def call(self, inputs, training=False):
        return self.generator_ab(inputs, training=training)

    def compile(
        self, generator_optimizer=None, discriminator_optimizer=None, total_steps=None, **kwargs
    ):
        """Compiles with one optimizer for both generators and one for both discriminators.

        Args:
            generator_optimizer: defaults to Adam(beta_1=0.5) at 2e-4, decaying
                linearly to 0 over the second half of `total_steps` when given.
            discriminator_optimizer: the same default.
            total_steps: optimizer steps of the whole training (epochs times
                steps per epoch), for the default learning-rate decay.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`.
        """

        def default():
            rate = 2e-4 if total_steps is None else LinearDecaySchedule(2e-4, total_steps)
            return keras.optimizers.Adam(learning_rate=rate, beta_1=0.5)

        self.compile_optimizers(
            {
                "generator": generator_optimizer or default(),
                "discriminator": discriminator_optimizer or default(),
            },
            {
                "generator": self._generator_variables(),
                "discriminator": self._discriminator_variables(),
            },
            **kwargs,
        )

    def check_pair(self, x, y):
        """Checks the unpaired `(a, b)` batches (training or validation) before any work."""
        image_pair_checks.check_image_pairs(x, y, self.image_size, ("a", self.channels_a),
                                            ("b", self.channels_b))
        return x, y

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate` on unpaired `(a, b)` batches: `d_loss` and
        `g_loss` of the current networks in inference mode, without updating
        them. The discriminators see this batch's fakes, not the history pools
        (which evaluation neither reads nor fills)."""
        return super().evaluate(x, y, *args, **kwargs)  # checked by check_fit_data

    def _generator_loss(self, real_a, real_b, translated_b, translated_a, training):
        adversarial = _least_squares(
            self.discriminator_b(translated_b, training=training), 1.0
        ) + _least_squares(self.discriminator_a(translated_a, training=training), 1.0)
        cycle = _l1(self.generator_ba(translated_b, training=training), real_a) + _l1(
            self.generator_ab(translated_a, training=training), real_b
        )
        loss = adversarial + self.cycle_weight * cycle
        if self.identity_weight > 0:
            identity = _l1(self.generator_ab(real_b, training=training), real_b) + _l1(
                self.generator_ba(real_a, training=training), real_a
            )
            loss = loss + self.identity_weight * self.cycle_weight * identity
        return loss

    def _discriminator_loss(self, real_a, real_b, fake_a, fake_b, training):
        def half(discriminator, real, fake):
            return 0.5 * (
                _least_squares(discriminator(real, training=training), 1.0)
                + _least_squares(discriminator(fake, training=training), 0.0)
            )

        return half(self.discriminator_a, real_a, fake_a) + half(
            self.discriminator_b, real_b, fake_b
        )

    def _unpack(self, data):
        real_a, real_b, _ = keras.utils.unpack_x_y_sample_weight(data)
        if real_b is None:
            real_a, real_b = real_a
        return real_a, real_b

    def _update_trackers(self, g_loss, d_loss):
        self.trackers["g_loss"].update_state(keras.ops.stop_gradient(g_loss))
        self.trackers["d_loss"].update_state(keras.ops.stop_gradient(d_loss))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def adversarial_step(self, data):
        real_a, real_b = self._unpack(data)
        ops = keras.ops
        fake_b = ops.stop_gradient(self.generator_ab(real_a, training=True))
        fake_a = ops.stop_gradient(self.generator_ba(real_b, training=True))

        def generator_loss():
            translated_b = self.generator_ab(real_a, training=True)
            translated_a = self.generator_ba(real_b, training=True)
            return self._generator_loss(real_a, real_b, translated_b, translated_a, True)

        g_loss = minimize(generator_loss, self._generator_variables(), self.optimizer["generator"])
        pooled_a = self.pool_a(fake_a)
        pooled_b = self.pool_b(fake_b)

        def discriminator_loss():
            return self._discriminator_loss(real_a, real_b, pooled_a, pooled_b, True)

        d_loss = minimize(
            discriminator_loss, self._discriminator_variables(), self.optimizer["discriminator"]
        )
        return self._update_trackers(g_loss, d_loss)

    def evaluation_step(self, data):
        real_a, real_b = self._unpack(data)
        fake_b = self.generator_ab(real_a, training=False)
        fake_a = self.generator_ba(real_b, training=False)
        g_loss = self._generator_loss(real_a, real_b, fake_b, fake_a, False)
        d_loss = self._discriminator_loss(real_a, real_b, fake_a, fake_b, False)
        return self._update_trackers(g_loss, d_loss)

    def _generators(self, direction):
        check_in("direction", direction, DIRECTIONS)
        if direction == "a_to_b":
            return self.generator_ab, self.generator_ba, self.channels_a
        return self.generator_ba, self.generator_ab, self.channels_b

    def _run(self, networks, images, channels, batch_size):
        images = image_pair_checks.to_image_batch("images", images, self.image_size, channels)

        def run(batch):
            for network in networks:
                batch = network(batch, training=False)
            return batch

        return self.apply_in_batches(run, images, batch_size)

    @old_positional_order(old=("direction", "batch_size"), new=("batch_size",),
                          is_old=lambda args, kwargs: isinstance(args[0], str))
    def translate(self, images, batch_size=32, *, direction="a_to_b"):
        """Translates images from one domain to the other.

        Args:
            images: `(N, S, S, C)` (or one image), float in [-1, 1] or uint8.
            batch_size: images per generator call.
            direction: "a_to_b" (`G`) or "b_to_a" (`F`), by keyword; the
                old order `translate(images, direction)` still works for one
                release (deprecated).

        Returns:
            A float32 NumPy array of translated images in [-1, 1].
        """
        forward, _, channels = self._generators(direction)
        return self._run([forward], images, channels, batch_size)

    def cycle(self, images, batch_size=32, *, direction="a_to_b"):
        """The cycle: translates and translates back (`F(G(a))` for "a_to_b").

        Args:
            images: `(N, S, S, C)` images of the source domain of `direction`.
            batch_size: images per generator call.
            direction: "a_to_b" (`F(G(a))`) or "b_to_a" (`G(F(b))`).

        Returns:
            A float32 NumPy array of the images after the round trip, in [-1, 1].

        Example:

        >>> model = CycleGAN(image_size=16, generator_filters=4, discriminator_filters=4,
        ...                  residual_blocks=1)
        >>> model.cycle(np.zeros((2, 16, 16, 3), "float32"), direction="b_to_a").shape
        (2, 16, 16, 3)
        """
        forward, backward, channels = self._generators(direction)
        return self._run([forward, backward], images, channels, batch_size)

    def reconstruct(self, images, *args, **kwargs):
        """Deprecated: the cycle of `cycle(images, direction=...)` (a round trip
        through both domains, not an autoencoding), kept for one release."""
        try:
            direction, batch_size = _old_reconstruct_arguments(*args, **kwargs)
            valid = isinstance(direction, str)
        except TypeError:  # more arguments, or other keywords, than it ever took
            valid = False
        if not valid:
            raise TypeError(
                "CycleGAN.reconstruct(images, direction, batch_size) is deprecated: use "
                "CycleGAN.cycle(images, batch_size=..., direction=...). Received: arguments "
                f"{args!r} and keywords {sorted(kwargs)} after images"
            )
        warn_deprecated("CycleGAN.reconstruct(images, direction)",
                        "CycleGAN.cycle(images, direction=...)")
        return self.cycle(images, batch_size, direction=direction)

    reconstruct.__deprecated__ = "use CycleGAN.cycle"

    def export_parts(self):
        """`{"generator": G: A -> B, "generator_reverse": F: B -> A}`, inference mode."""

        def metadata(source, target):
            return {
                "inputs": {
                    "source": {
                        "range": [-1.0, 1.0],
                        "distribution": "image",
                        "description": f"domain {source} image, NHWC in [-1, 1]; "
                        f"output is domain {target}",
                    }
                },
                "output_range": [-1.0, 1.0],
            }

        return {
            "generator": (self.generator_ab, metadata("A", "B")),
            "generator_reverse": (self.generator_ba, metadata("B", "A")),
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_size": self.image_size,
                "channels_a": self.channels_a,
                "channels_b": self.channels_b,
                "generator_filters": self.generator_filters,
                "discriminator_filters": self.discriminator_filters,
                "residual_blocks": self.residual_blocks,
                "discriminator_layers": self.discriminator_layers,
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "pool_size": self.pool_size,
                "normalization": self.normalization,
                "seed": self.seed,
            }
        )
        return config
