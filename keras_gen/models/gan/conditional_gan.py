"""ConditionalGAN: a GAN whose generator and discriminator both see a class label."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.gan.dcgan import dcgan_discriminator
from keras_gen.models.gan.dcgan import dcgan_generator
from keras_gen.models.gan.gan import GAN
from keras_gen.models.gan.network_checks import network_shape
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_seed
from keras_gen.utils.deprecation import old_positional_order


def _is_seed_like(value):
    # What `seed` and `batch_size` take now; labels (the old second argument) are arrays.
    return value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool))


@keras.saving.register_keras_serializable(package="keras_gen")
class ConditionalGAN(GAN):
    """Class-conditional GAN: `generator([noise, labels])`,
    `discriminator([samples, labels])`, trained with `fit(images, labels)`.

    Labels are integer class ids in `[0, num_classes)`, shape `(batch,)`.
    `fit(x=(images, noise), y=labels)` uses given noise (for reproducible
    runs). `ConditionalGAN.dcgan(image_shape, num_classes)` builds the
    conditional DCGAN networks.

    Args:
        generator: model `[noise (latent_dim,), labels ()]` -> samples.
        discriminator: model `[samples, labels ()]` -> one logit each.
        latent_dim: size of the noise vector.
        num_classes: number of classes.
        **kwargs: `GAN` options (`loss`, `discriminator_steps`, ...).

    Returns:
        A `keras.Model`; calling it on `[noise, labels]` generates samples.

    Example:

    >>> import numpy as np
    >>> cgan = ConditionalGAN.dcgan((28, 28, 1), num_classes=10, latent_dim=8, base_filters=4)
    >>> cgan.compile()
    >>> _ = cgan.fit(np.zeros((8, 28, 28, 1), "float32"), np.arange(8) % 10, verbose=0)
    >>> cgan.sample(3, labels=[0, 1, 2]).shape
    (3, 28, 28, 1)

    Reference: Mirza & Osindero, "Conditional Generative Adversarial Nets",
    arXiv:1411.1784, 2014.
    """

    def __init__(self, generator, discriminator, latent_dim, num_classes, **kwargs):
        self.num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    @classmethod
    def dcgan(cls, image_shape, num_classes, latent_dim=100, base_filters=64, **kwargs):
        """A ConditionalGAN on the DCGAN networks for `image_shape`."""
        batch_norm = kwargs.get("loss", "non_saturating") != "wasserstein_gp"
        return cls(
            dcgan_generator(image_shape, latent_dim, base_filters, num_classes=num_classes),
            dcgan_discriminator(image_shape, base_filters, num_classes=num_classes,
                                batch_norm=batch_norm),
            latent_dim,
            num_classes,
            **kwargs,
        )

    def _check_networks(self):
        for name, network in (("generator", self.generator),
                              ("discriminator", self.discriminator)):
            if len(network.inputs or []) != 2:
                raise ValueError(
                    f"Expected `{name}` to take two inputs, [{'noise' if name == 'generator' else 'samples'}, "
                    f"labels]. Received: {name} with inputs {network.inputs}"
                )
        noise_shape = network_shape(self.generator, "generator", index=0)
        if tuple(noise_shape[1:]) != (self.latent_dim,):
            raise ValueError(
                f"Expected `generator` to take noise of shape (None, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received: generator noise shape {noise_shape}"
            )
        self._check_sample_shapes(network_shape(self.generator, "generator"),
                                  network_shape(self.discriminator, "discriminator", index=0))

    def _generate(self, noise, labels, training):
        return self.generator([noise, labels], training=training)

    def _discriminate(self, samples, labels, training):
        return self.discriminator([samples, labels], training=training)

    def _unpack(self, data):
        images, noise, labels = super()._unpack(data)
        if labels is None:
            raise ValueError(
                "Expected batches of (images, labels) for a ConditionalGAN. "
                "Received: batches without labels"
            )
        return images, noise, ops.cast(ops.reshape(labels, (-1,)), "int32")

    def _check_samples_and_noise(self, x, y):
        images = x[0] if isinstance(x, (tuple, list)) else x
        if not isinstance(images, np.ndarray):
            return  # a dataset or generator yields (images, labels) itself
        if y is None:
            raise ValueError(
                "Expected class labels `y` for a ConditionalGAN: call fit(images, labels). "
                "Received: y=None"
            )
        super()._check_samples_and_noise(x, y)
        self._check_labels(y, len(images))

    def _check_labels(self, labels, count):
        labels = np.asarray(labels)
        if labels.ndim > 1 and labels.shape[1:] != (1,) or labels.shape[:1] != (count,):
            raise ValueError(
                f"Expected `y` to hold {count} integer labels. Received: y with shape "
                f"{labels.shape}"
            )
        if labels.size and (
            not np.all(np.mod(labels, 1) == 0) or labels.min() < 0
            or labels.max() >= self.num_classes
        ):
            raise ValueError(
                f"Expected `y` to hold integer labels in [0, {self.num_classes}). Received: y "
                f"with values in [{labels.min()}, {labels.max()}]"
            )
        return labels.reshape(-1).astype("int32")

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    @old_positional_order(old=("labels", "seed", "batch_size"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: not _is_seed_like(args[0]))
    def sample(self, count, seed=None, batch_size=256, *, labels=None):
        """Draws `count` samples of the given labels (default: classes in turn).

        Args:
            count: number of samples.
            seed: an int for a reproducible draw; `None` advances the
                model's `SeedGenerator`.
            batch_size: samples generated per call.
            labels: `count` class ids; `sample(count, labels)` with the
                labels second still works for one release (deprecated).

        Returns:
            NumPy array `(count,) + sample_shape`.
        """
        count = check_positive_int("count", count)
        labels = np.arange(count) % self.num_classes if labels is None else labels
        labels = self._check_labels(labels, count)
        seed = check_seed(seed)
        noise = keras.random.normal(
            (count, self.latent_dim), seed=self.seed_generator if seed is None else seed)
        return self.generate(noise, batch_size=batch_size, labels=labels)

    @old_positional_order(old=("labels", "batch_size"), new=("batch_size",),
                          is_old=lambda args, kwargs: not _is_seed_like(args[0]))
    def generate(self, noise, batch_size=256, *, labels=None):
        """Maps given noise `(n, latent_dim)` and `labels` `(n,)` to samples (NumPy).

        `generate(noise, labels)` with the labels second still works for one
        release (deprecated).

        Example:

        >>> cgan = ConditionalGAN.dcgan((28, 28, 1), num_classes=10, latent_dim=8, base_filters=4)
        >>> cgan.generate(np.zeros((2, 8), "float32"), labels=[3, 4]).shape
        (2, 28, 28, 1)
        """
        if labels is None:
            raise ValueError("Expected `labels` for a ConditionalGAN. Received: labels=None")
        noise = self.check_samples("noise", noise, (self.latent_dim,))
        labels = self._check_labels(labels, len(noise))
        return self.apply_in_batches(
            lambda z, y: self.generator([z, y], training=False), (noise, labels), batch_size)

    def export_parts(self):
        """The generator `[noise, labels]` as a functional model in inference mode."""
        noise = keras.Input((self.latent_dim,), name="noise")
        labels = keras.Input((), dtype="int32", name="labels")
        model = keras.Model([noise, labels], self.generator([noise, labels], training=False),
                            name="generator")
        metadata = {
            "inputs": {
                "noise": {"range": None, "distribution": "normal",
                          "description": f"standard normal noise, {self.latent_dim} values"},
                "labels": {"range": [0, self.num_classes - 1], "distribution": "label",
                           "description": f"class id in [0, {self.num_classes})"},
            },
            "output_range": None if self.data_range is None else list(self.data_range),
        }
        return {"generator": (model, metadata)}

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
