"""Variational autoencoder (Kingma & Welling, 2014) trained through `compute_loss`."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.autoencoders.networks import check_networks
from keras_gen.models.autoencoders.networks import conv_networks
from keras_gen.models.autoencoders.networks import dense_networks
from keras_gen.models.autoencoders.networks import networks_from_config
from keras_gen.models.vae import likelihoods
from keras_gen.models.vae.export_parts import export_parts
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_seed
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["VAE"]

_DISTRIBUTION_BACKENDS = ("keras", "tfp")


@keras.saving.register_keras_serializable(package="keras_gen")
class VAE(GenerativeModel):
    """Variational autoencoder with a Gaussian encoder and a choice of decoders.

    The encoder outputs the mean and log-variance of q(z|x), concatenated
    (`2 * latent_dim` units); z is drawn with the reparameterisation trick and
    the decoder outputs the parameters of p(x|z): logits for `"bernoulli"` and
    `"continuous_bernoulli"`, the mean for `"gaussian"`. The loss is the
    negative β-ELBO, -E_q[log p(x|z)] + β KL(q(z|x) || N(0, I)), computed with
    `keras.ops` (every backend) or, with `distribution_backend="tfp"`, with
    TensorFlow Probability distributions (TensorFlow and JAX only).

    `model(x)` returns a dict: `decoder_output`, `z_mean`, `z_log_var` and
    `targets` (the data the loss compares to: `x`, binarized when
    `binarize=True` and training). The verbs (`sample`, `generate`,
    `encode`, `decode`, `reconstruct`, `interpolate`) return NumPy arrays.

    Args:
        encoder: Keras model, data → (batch, 2 * latent_dim).
        decoder: Keras model, (batch, latent_dim) → data shape.
        likelihood: `"bernoulli"`, `"gaussian"` or `"continuous_bernoulli"`.
        beta: weight of the KL term (β-VAE, Higgins et al., 2017); `>= 0`.
        observation_scale: standard deviation of the Gaussian decoder, a
            positive number or `"learned"` (one trainable scale per feature).
        binarize: draw x ~ Bernoulli(x) afresh at every training step
            ("dynamic binarization"); lets grey data in [0, 1] train a
            Bernoulli decoder.
        distribution_backend: `"keras"` (closed forms in `keras.ops`) or
            `"tfp"` (TensorFlow Probability; TF and JAX backends).
        seed: seed of the model's `SeedGenerator`.
        **kwargs: passed to `keras.Model`.

    Example:

    >>> import numpy as np
    >>> vae = VAE.dense((16,), latent_dim=2, hidden_units=(8,))
    >>> vae.compile(optimizer="adam")
    >>> x = (np.random.rand(32, 16) > 0.5).astype("float32")
    >>> _ = vae.fit(x, epochs=1, batch_size=16, verbose=0)
    >>> tuple(vae.sample(3).shape)
    (3, 16)

    Reference: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
    """

    def __init__(
        self,
        encoder,
        decoder,
        likelihood="bernoulli",
        beta=1.0,
        observation_scale=1.0,
        binarize=False,
        distribution_backend="keras",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.likelihood = check_in("likelihood", likelihood, likelihoods.LIKELIHOODS)
        self.beta = check_non_negative("beta", beta)
        if observation_scale != "learned":
            if check_non_negative("observation_scale", observation_scale) == 0:
                raise ValueError(
                    "Expected `observation_scale` to be a number > 0 or 'learned'. "
                    f"Received: observation_scale={observation_scale!r}"
                )
        self.observation_scale = observation_scale
        if not isinstance(binarize, bool):
            raise ValueError(f"Expected `binarize` to be True or False. Received: binarize={binarize!r}")
        self.binarize = binarize
        self.distribution_backend = check_in(
            "distribution_backend", distribution_backend, _DISTRIBUTION_BACKENDS
        )
        if distribution_backend == "tfp":
            from keras_gen.models.vae.tfp_distributions import tfp_distributions

            tfp_distributions()  # fails now, with the reason, on torch or without TFP
        self.data_shape, encoder_units = check_networks(encoder, decoder, variational=True)
        self.latent_dim = encoder_units // 2
        self.encoder = encoder
        self.decoder = decoder
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.log_scale = None
        if observation_scale == "learned":
            self.log_scale = self.add_weight(
                shape=self.data_shape, initializer="zeros", name="log_scale"
            )
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.built = True

    @classmethod
    def dense(cls, input_shape, latent_dim, hidden_units=(512, 256), activation="relu", **kwargs):
        """A VAE with dense encoder and decoder (hidden sizes mirrored).

        Example:

        >>> VAE.dense((784,), latent_dim=32).latent_dim
        32
        """
        latent_dim = check_positive_int("latent_dim", latent_dim)
        encoder, decoder = dense_networks(
            input_shape, hidden_units, 2 * latent_dim, decoder_input_units=latent_dim,
            activation=activation, code_activation=None,
            output_activation=None,
        )
        return cls(encoder, decoder, **kwargs)

    @classmethod
    def conv(cls, input_shape, latent_dim, filters=(32, 64), activation="relu", **kwargs):
        """A VAE with a strided conv encoder and a transposed-conv decoder.

        Example:

        >>> VAE.conv((28, 28, 1), latent_dim=16).latent_dim
        16
        """
        latent_dim = check_positive_int("latent_dim", latent_dim)
        encoder, decoder = conv_networks(
            input_shape, filters, 2 * latent_dim, decoder_input_units=latent_dim,
            activation=activation, code_activation=None, output_activation=None,
        )
        return cls(encoder, decoder, **kwargs)

    # ----- model math -------------------------------------------------------
    def _split(self, statistics):
        return statistics[:, : self.latent_dim], statistics[:, self.latent_dim :]

    def call(self, inputs, training=False):
        x = ops.convert_to_tensor(inputs, dtype=self.compute_dtype)
        if self.binarize and training:
            noise = keras.random.uniform(ops.shape(x), seed=self.seed_generator, dtype=x.dtype)
            x = ops.cast(noise < x, x.dtype)
        z_mean, z_log_var = self._split(self.encoder(x, training=training))
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator, dtype=z_mean.dtype)
        z = z_mean + ops.exp(0.5 * z_log_var) * epsilon
        return {
            "decoder_output": self.decoder(z, training=training),
            "z_mean": z_mean,
            "z_log_var": z_log_var,
            "targets": x,
        }

    def _log_scale(self):
        if self.log_scale is not None:
            return self.log_scale
        return ops.convert_to_tensor(float(np.log(self.observation_scale)), self.compute_dtype)

    def log_likelihood(self, targets, decoder_output):
        """log p(x|z) per sample, with the configured distribution backend.

        Example:

        >>> vae = VAE.dense((4,), latent_dim=1, hidden_units=(4,))
        >>> tuple(vae.log_likelihood(np.ones((2, 4)), np.zeros((2, 4), "float32")).shape)
        (2,)
        """
        decoder_output = ops.convert_to_tensor(decoder_output, self.compute_dtype)
        targets = ops.convert_to_tensor(targets, self.compute_dtype)
        if self.distribution_backend == "keras":
            return likelihoods.log_likelihood(
                self.likelihood, targets, decoder_output, self._log_scale()
            )
        return likelihoods.tfp_log_likelihood(
            self.likelihood, targets, decoder_output, self._log_scale()
        )

    def kl_divergence(self, z_mean, z_log_var):
        """KL(q(z|x) || N(0, I)) per sample.

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> float(vae.kl_divergence(np.ones((1, 2), "float32"), np.zeros((1, 2), "float32"))[0])
        1.0
        """
        z_mean = ops.convert_to_tensor(z_mean)
        z_log_var = ops.convert_to_tensor(z_log_var)
        if self.distribution_backend == "keras":
            return likelihoods.gaussian_kl(z_mean, z_log_var)
        return likelihoods.tfp_gaussian_kl(z_mean, z_log_var)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:
            y_pred = self(x, training=training)
        # Reduced in float32: under mixed precision a float16 sum over a batch of
        # per-image log-likelihoods (hundreds of nats each) loses its digits.
        reconstruction = ops.cast(-self.log_likelihood(y_pred["targets"], y_pred["decoder_output"]), "float32")
        kl = ops.cast(self.kl_divergence(y_pred["z_mean"], y_pred["z_log_var"]), "float32")
        per_sample = reconstruction + self.beta * kl
        if sample_weight is not None:
            weight = ops.reshape(ops.cast(sample_weight, per_sample.dtype), (-1,))
            loss = ops.sum(per_sample * weight) / ops.maximum(ops.sum(weight), 1e-12)
        else:
            loss = ops.mean(per_sample)
        self.reconstruction_tracker.update_state(reconstruction, sample_weight=sample_weight)
        self.kl_tracker.update_state(kl, sample_weight=sample_weight)
        return scale_loss_for_replicas(loss)

    @property
    def metrics(self):
        return super().metrics + [self.reconstruction_tracker, self.kl_tracker]

    # ----- data checks ------------------------------------------------------
    def _check_data(self, x, name="x"):
        """Shape, dtype, finite values, and the support of p(x|z) (NumPy data)."""
        x = self.check_samples(name, x, self.data_shape)
        if isinstance(x, np.ndarray):
            likelihoods.check_support(self.likelihood, x, name, binarized=self.binarize,
                                      observation_scale=self.observation_scale)
        return x

    def check_pair(self, x, y):
        return self._check_data(x), y

    def check_predict_data(self, x):
        return self.check_samples("x", x, self.data_shape)

    # ----- the shared interface --------------------------------------------
    @old_positional_order(old=("sample", "seed"), new=("batch_size",),
                          is_old=lambda args, kwargs: isinstance(args[0], (bool, np.bool_)))
    def encode(self, x, batch_size=256, *, sample=False, seed=None):
        """The posterior mean of z (or a sample with `sample=True`), as NumPy.

        Args:
            x: data, `(n,) + data_shape`.
            batch_size: samples per encoder call.
            sample: draw z ~ q(z|x) instead of taking its mean.
            seed: an int for a reproducible draw; `None` advances the
                model's `SeedGenerator`.

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.encode(np.zeros((3, 4))).shape
        (3, 2)
        """
        x = self.check_samples("x", x, self.data_shape)
        seed = check_seed(seed)
        statistics = self.apply_in_batches(
            lambda batch: self.encoder(batch, training=False), x, batch_size)
        z_mean, z_log_var = statistics[:, : self.latent_dim], statistics[:, self.latent_dim :]
        if not sample:
            return z_mean
        noise = keras.random.normal(z_mean.shape, seed=self.seed_generator if seed is None else seed)
        return z_mean + np.exp(0.5 * z_log_var) * ops.convert_to_numpy(noise)

    def decode(self, z, batch_size=256):
        """The mean of p(x|z) (pixel probabilities for a Bernoulli decoder), as NumPy.

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.decode(np.zeros((3, 2))).shape
        (3, 4)
        """
        z = self.check_samples("z", z, (self.latent_dim,))
        return self.apply_in_batches(
            lambda batch: likelihoods.decoder_mean(self.likelihood, self.decoder(batch, training=False)),
            z, batch_size)

    def generate(self, z, batch_size=256):
        """Maps given latents to data: the decoder mean, as `decode` (NumPy).

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.generate(np.zeros((3, 2))).shape
        (3, 4)
        """
        return self.decode(z, batch_size)

    def reconstruct(self, x, batch_size=256):
        """decode(encode(x)) through the posterior mean (NumPy).

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.reconstruct(np.zeros((3, 4))).shape
        (3, 4)
        """
        return self.decode(self.encode(x, batch_size), batch_size)

    def sample(self, count, seed=None, batch_size=256):
        """Decodes `count` draws from the prior N(0, I) (NumPy).

        Example:

        >>> VAE.dense((4,), latent_dim=2, hidden_units=(4,)).sample(5, seed=1).shape
        (5, 4)
        """
        count = check_positive_int("count", count)
        seed = check_seed(seed)
        z = keras.random.normal((count, self.latent_dim), seed=self.seed_generator if seed is None else seed)
        return self.decode(z, batch_size)

    def interpolate(self, x_start, x_end, steps=10):
        """Decodes a straight line between the posterior means of two batches.

        Returns:
            A NumPy array (batch, steps, *data_shape).

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.interpolate(np.zeros((2, 4)), np.ones((2, 4)), steps=5).shape
        (2, 5, 4)
        """
        steps = check_positive_int("steps", steps, minimum=2)
        start, end = self.encode(x_start), self.encode(x_end)
        if start.shape != end.shape:
            raise ValueError(
                "Expected `x_start` and `x_end` to hold the same number of samples. Received: "
                f"x_start with {start.shape[0]}, x_end with {end.shape[0]}"
            )
        weights = np.linspace(0.0, 1.0, steps, dtype="float32").reshape((1, steps, 1))
        path = start[:, None, :] * (1.0 - weights) + end[:, None, :] * weights
        images = self.decode(path.reshape((-1, self.latent_dim)))
        return images.reshape((-1, steps) + self.data_shape)

    def log_importance_weights(self, x, num_samples, seed):
        """log p(x, z_i) - log q(z_i | x) for `num_samples` draws per example.

        A pure function of its arguments (with `seed` a (2,) int32 tensor), so
        it compiles with `compile_function`; see `keras_gen.metrics.iwae_nll`.

        Returns:
            A (batch, num_samples) tensor.

        Example:

        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> tuple(vae.log_importance_weights(np.ones((3, 4)), 5, np.array([0, 1], "int32")).shape)
        (3, 5)
        """
        return likelihoods.log_importance_weights(self, x, num_samples, seed)

    # ----- export and config ------------------------------------------------
    def export_parts(self):
        """The decoder (z → mean of p(x|z)) and the encoder (x → posterior mean).

        Both are plain functional models with no TFP ops, in inference mode.

        Example:

        >>> sorted(VAE.dense((4,), latent_dim=2, hidden_units=(4,)).export_parts())
        ['decoder', 'encoder']
        """
        return export_parts(self)

    def get_config(self):
        config = super().get_config()
        config.update({
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "likelihood": self.likelihood,
            "beta": self.beta,
            "observation_scale": self.observation_scale,
            "binarize": self.binarize,
            "distribution_backend": self.distribution_backend,
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**networks_from_config(config))
