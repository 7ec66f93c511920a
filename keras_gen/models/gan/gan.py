"""GAN: a generator and a discriminator trained against each other, with one
step written once for TensorFlow, JAX and torch."""

import keras
from keras import ops
from keras.src.saving import serialization_lib

from keras_gen.losses.adversarial import AdversarialLoss
from keras_gen.losses.adversarial import gradient_penalty
from keras_gen.models.gan.network_checks import activation_range
from keras_gen.models.gan.network_checks import network_shape
from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import minimize
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_seed

@keras.saving.register_keras_serializable(package="keras_gen")
class GAN(AdversarialModel):
    """Generative adversarial network trained with `compile()` / `fit()`.

    Each training step makes `discriminator_steps` discriminator updates (a
    fresh noise batch each) and one generator update, every update through
    `keras_gen.trainers.minimize`, so the same step runs on TensorFlow, JAX
    and torch, with `jit_compile`, `steps_per_execution` and mixed precision
    (`mixed_float16` adds loss scaling). All random draws go through the
    model's `SeedGenerator`.

    `fit(x=images)` draws the noise; `fit(x=(images, noise))` uses the given
    noise (shape `(batch, latent_dim)`) for every update of that step, which
    makes runs reproducible across backends. `evaluate()` and
    `fit(validation_data=...)` report `d_loss` and `g_loss` of the networks
    in inference mode on fresh noise, without updating them, and the
    sample metrics of `compile(metrics=[KernelInceptionDistance(...)])` on
    the validation images against as many samples (`val_kid`).

    Args:
        generator: a functional or Sequential model from noise
            `(latent_dim,)` to samples.
        discriminator: a model from samples to one raw score (logit) each.
        latent_dim: size of the noise vector.
        discriminator_steps: discriminator updates per generator update (k).
        loss: `"non_saturating"` (default), `"minimax"`, `"hinge"`,
            `"least_squares"` or `"wasserstein_gp"`.
        label_smoothing: one-sided label smoothing of real targets.
        instance_noise: standard deviation of Gaussian noise added to every
            discriminator input (real and generated).
        gradient_penalty_weight: weight of the WGAN-GP penalty.
        data_range: `(low, high)` the training data must lie in; `"auto"`
            reads it from the generator's last activation (tanh: [-1, 1],
            sigmoid: [0, 1]); `None` skips the check.
        seed: seed of the model's `SeedGenerator`.

    Returns:
        A `keras.Model`; calling it on noise returns generated samples.

    Example:

    >>> import keras, numpy as np
    >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")])
    >>> d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    >>> gan = GAN(g, d, latent_dim=4)
    >>> gan.compile()
    >>> _ = gan.fit(np.random.uniform(-1, 1, (32, 8)).astype("float32"), batch_size=16, verbose=0)
    >>> gan.sample(3).shape
    (3, 8)

    Reference: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    accepts_sample_metrics = True

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        discriminator_steps=1,
        loss="non_saturating",
        label_smoothing=0.0,
        instance_noise=0.0,
        gradient_penalty_weight=10.0,
        data_range="auto",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.latent_dim = check_positive_int("latent_dim", latent_dim)
        self.discriminator_steps = check_positive_int("discriminator_steps", discriminator_steps)
        self.adversarial_loss = AdversarialLoss(loss, label_smoothing, gradient_penalty_weight)
        self.loss_name = loss
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = check_non_negative("instance_noise", instance_noise)
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, keras.Model):
                raise ValueError(
                    f"Expected `{name}` to be a keras.Model. Received: {name}={network!r}"
                )
        self.generator = generator
        self.discriminator = discriminator
        self._check_networks()
        if isinstance(data_range, str):
            if data_range != "auto":
                raise ValueError(
                    "Expected `data_range` to be 'auto', None or (low, high). "
                    f"Received: data_range={data_range!r}"
                )
            self.data_range = activation_range(generator)
            self._data_range_config = "auto"
        else:
            self.data_range = None if data_range is None else tuple(float(v) for v in data_range)
            self._data_range_config = None if data_range is None else list(self.data_range)
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.built = True

    # Subclasses (ConditionalGAN) change what the networks take.
    def _check_networks(self):
        noise_shape = network_shape(self.generator, "generator", index=0)
        if noise_shape[1:] != (self.latent_dim,):
            raise ValueError(
                f"Expected `generator` to take noise of shape (None, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received: generator input shape {noise_shape}"
            )
        self._check_sample_shapes(network_shape(self.generator, "generator"),
                                  network_shape(self.discriminator, "discriminator", index=0))

    def _check_sample_shapes(self, generated, accepted):
        if tuple(generated[1:]) != tuple(accepted[1:]):
            raise ValueError(
                "Expected the generator's output shape to equal the discriminator's input "
                f"shape. Received: generator output shape {tuple(generated)}, discriminator "
                f"input shape {tuple(accepted)}"
            )
        self.sample_shape = tuple(generated[1:])

    def _generate(self, noise, labels, training):
        return self.generator(noise, training=training)

    def _discriminate(self, samples, labels, training):
        return self.discriminator(samples, training=training)

    def _unpack(self, data):
        x, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(x, (tuple, list)):
            return x[0], x[1], labels
        return x, None, labels

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker]
        if self.adversarial_loss.uses_gradient_penalty:
            trackers.append(self.penalty_tracker)
        return trackers + self.sample_metrics()

    def compile(self, generator_optimizer=None, discriminator_optimizer=None, **kwargs):
        """Compiles with one optimizer per network.

        Args:
            generator_optimizer: optimizer for the generator; default
                `Adam(2e-4, beta_1=0.5)` (Radford et al.).
            discriminator_optimizer: optimizer for the discriminator; same default.
            **kwargs: `keras.Model.compile` options (`jit_compile`,
                `steps_per_execution`, ...), and `metrics`: sample metrics
                such as `KernelInceptionDistance`, reported by `evaluate`.
        """
        if (keras.backend.backend() == "torch" and kwargs.get("jit_compile") is True
                and self.adversarial_loss.uses_gradient_penalty):
            raise ValueError(
                "Expected jit_compile=False for loss='wasserstein_gp' on torch: torch.compile "
                "cannot differentiate the gradient penalty twice. Received: jit_compile=True"
            )
        defaults = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)  # noqa: E731
        self.compile_optimizers(
            {
                "generator": generator_optimizer or defaults(),
                "discriminator": discriminator_optimizer or defaults(),
            },
            {
                "generator": self.generator.trainable_variables,
                "discriminator": self.discriminator.trainable_variables,
            },
            **kwargs,
        )

    def _draw_noise(self, batch):
        return keras.random.normal((batch, self.latent_dim), seed=self.seed_generator)

    def _instance_noise_draw(self, like):
        if not self.instance_noise:
            return None
        return self.instance_noise * keras.random.normal(ops.shape(like), seed=self.seed_generator)

    def _add(self, samples, draw):
        return samples if draw is None else ops.cast(samples, "float32") + draw

    def _draw_epsilon(self, real):
        if not self.adversarial_loss.uses_gradient_penalty:
            return None
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return keras.random.uniform(shape, seed=self.seed_generator)

    def _discriminator_loss(self, real, fake, labels, training, real_draw=None,
                            fake_draw=None, epsilon=None):
        loss = self.adversarial_loss
        value = loss.discriminator_loss(
            self._discriminate(self._add(real, real_draw), labels, training),
            self._discriminate(self._add(fake, fake_draw), labels, training),
        )
        if epsilon is not None:
            penalty = gradient_penalty(
                lambda x: self._discriminate(x, labels, training), real, fake, epsilon
            )
            self.penalty_tracker.update_state(ops.stop_gradient(penalty))
            value = value + loss.gradient_penalty_weight * penalty
        return value

    def _generator_loss(self, fake, labels, training, draw=None):
        return self.adversarial_loss.generator_loss(
            self._discriminate(self._add(fake, draw), labels, training)
        )

    def adversarial_step(self, data):
        real, given_noise, labels = self._unpack(data)
        real = ops.convert_to_tensor(real)
        batch = ops.shape(real)[0]
        for _ in range(self.discriminator_steps):
            noise = self._draw_noise(batch) if given_noise is None else given_noise
            real_draw = self._instance_noise_draw(real)
            epsilon = self._draw_epsilon(real)
            fake_draw = self._instance_noise_draw(real)

            def discriminator_loss(noise=noise, real_draw=real_draw, epsilon=epsilon,
                                   fake_draw=fake_draw):
                fake = ops.stop_gradient(self._generate(noise, labels, True))
                return self._discriminator_loss(real, fake, labels, True, real_draw,
                                                fake_draw, epsilon)

            d_loss = minimize(discriminator_loss, self.discriminator.trainable_variables,
                              self.optimizer["discriminator"])
        noise = self._draw_noise(batch) if given_noise is None else given_noise
        draw = self._instance_noise_draw(real)

        def generator_loss():
            return self._generator_loss(self._generate(noise, labels, True), labels, True, draw)

        g_loss = minimize(generator_loss, self.generator.trainable_variables,
                          self.optimizer["generator"])
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return self.step_logs()

    def evaluation_step(self, data):
        # Instance noise regularizes training only, like dropout: left out.
        real, given_noise, labels = self._unpack(data)
        real = ops.convert_to_tensor(real)
        noise = self._draw_noise(ops.shape(real)[0]) if given_noise is None else given_noise
        epsilon = self._draw_epsilon(real)
        fake = ops.stop_gradient(self._generate(noise, labels, False))
        d_loss = self._discriminator_loss(real, fake, labels, False, epsilon=epsilon)
        g_loss = self._generator_loss(fake, labels, False)
        self.d_loss_tracker.update_state(ops.stop_gradient(d_loss))
        self.g_loss_tracker.update_state(ops.stop_gradient(g_loss))
        for metric in self.sample_metrics():
            metric.update_state(real, fake)
        return self.step_logs()

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def sample(self, count, seed=None, batch_size=256):
        """Draws `count` samples as a NumPy array.

        Args:
            count: number of samples.
            seed: an int for a reproducible draw; `None` advances the
                model's `SeedGenerator`.
            batch_size: samples generated per call.

        Returns:
            NumPy array `(count,) + sample_shape`.
        """
        count = check_positive_int("count", count)
        seed = check_seed(seed)
        noise = keras.random.normal(
            (count, self.latent_dim), seed=self.seed_generator if seed is None else seed)
        return self.generate(noise, batch_size=batch_size)

    def generate(self, noise, batch_size=256):
        """Maps given noise vectors `(n, latent_dim)` to samples (NumPy).

        Example:

        >>> import keras, numpy as np
        >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")])
        >>> d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        >>> GAN(g, d, latent_dim=4).generate(np.zeros((2, 4), "float32")).shape
        (2, 8)
        """
        noise = self.check_samples("noise", noise, (self.latent_dim,))
        return self.apply_in_batches(
            lambda batch: self.generator(batch, training=False), noise, batch_size)

    def check_fit_data(self, x, y, kwargs):
        if not getattr(self, "compiled", False):
            raise ValueError("Expected a compiled GAN: call compile() before fit().")
        x, y = self._check_samples_and_noise(x, y)
        return super().check_fit_data(x, y, kwargs)

    def check_predict_data(self, x):
        # `predict` maps noise to samples, like `generate`.
        return self.check_samples("x", x, (self.latent_dim,))

    def _check_samples_and_noise(self, x, y):
        """The training images (and given noise) checked: `(x, y)` to train on."""
        pair = isinstance(x, (tuple, list))
        images = x[0] if pair else x
        value_range = None
        if self.data_range is not None:  # a little slack for rounding, e.g. x / 127.5 - 1
            value_range = (self.data_range[0] - 1e-6, self.data_range[1] + 1e-6)
        images = self.check_samples(
            "x", images, self.sample_shape, value_range=value_range,
            reason="the range of the generator's output activation; rescale the data, e.g. "
                   "x / 127.5 - 1 for tanh")
        if not pair:
            return images, y
        noise = self.check_samples("noise", x[1], (self.latent_dim,))
        if len(noise) != len(images):
            raise ValueError(
                f"Expected the noise in `x` to have shape ({len(images)}, "
                f"{self.latent_dim}). Received: noise with shape {noise.shape}"
            )
        return (images, noise), y

    def export_parts(self):
        """The generator as a plain functional model in inference mode.

        Returns:
            `{"generator": (model, metadata)}`.
        """
        noise = keras.Input((self.latent_dim,), name="noise")
        model = keras.Model(noise, self.generator(noise, training=False), name="generator")
        metadata = {
            "inputs": {
                "noise": {"range": None, "distribution": "normal",
                          "description": f"standard normal noise, {self.latent_dim} values"}
            },
            "output_range": None if self.data_range is None else list(self.data_range),
        }
        return {"generator": (model, metadata)}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": serialization_lib.serialize_keras_object(self.generator),
                "discriminator": serialization_lib.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim,
                "discriminator_steps": self.discriminator_steps,
                "loss": self.loss_name,
                "label_smoothing": self.label_smoothing,
                "instance_noise": self.instance_noise,
                "gradient_penalty_weight": self.gradient_penalty_weight,
                "data_range": self._data_range_config,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = serialization_lib.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        return cls(**config)
