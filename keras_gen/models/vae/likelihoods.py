"""Closed-form log-densities and KL in `keras.ops`: the VAE's default loss path.

Written once with `keras.ops`, they run on every backend (torch included) and
keep TensorFlow Probability out of training graphs and exported decoders. The
TFP path in `VAE` (`distribution_backend="tfp"`) is tested to agree with these.
"""

import math

import keras
import numpy as np
from keras import ops

__all__ = [
    "LIKELIHOODS",
    "check_support",
    "log_likelihood",
    "decoder_mean",
    "gaussian_kl",
    "standard_normal_log_prob",
    "continuous_bernoulli_log_normalizer",
    "tfp_log_likelihood",
    "tfp_gaussian_kl",
    "log_importance_weights",
]

LIKELIHOODS = ("bernoulli", "gaussian", "continuous_bernoulli")
_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)
# Below this |logit| the exact continuous-Bernoulli formulas divide 0 by 0;
# their Taylor expansions are exact to float32 precision there.
_SMALL_LOGIT = 1e-2


def _sum_features(values):
    return ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=-1)


def continuous_bernoulli_log_normalizer(logits):
    """log C(λ) of the continuous Bernoulli with λ = sigmoid(logits).

    With λ = σ(l), C(λ) = 2 atanh(1 - 2λ) / (1 - 2λ) = l / tanh(l / 2), which
    is even in `l` and tends to 2 (+ l²/6) at l = 0.

    Example:

    >>> round(float(continuous_bernoulli_log_normalizer(keras.ops.zeros(()))), 4)
    0.6931
    """
    logits = ops.convert_to_tensor(logits)
    small = ops.abs(logits) < _SMALL_LOGIT
    safe = ops.where(small, ops.ones_like(logits), logits)
    exact = ops.log(ops.abs(safe)) - ops.log(ops.abs(ops.tanh(safe / 2.0)))
    taylor = ops.log(2.0 + ops.square(logits) / 6.0)
    return ops.where(small, taylor, exact)


def log_likelihood(likelihood, targets, decoder_output, log_scale=None):
    """log p(x | z) summed over each sample's features.

    Args:
        likelihood: `"bernoulli"` (decoder output = logits), `"gaussian"`
            (decoder output = mean, with `log_scale` the log standard
            deviation, broadcastable) or `"continuous_bernoulli"` (logits).
        targets: data `x`, shape (batch, ...).
        decoder_output: the decoder's output, same shape as `targets`.
        log_scale: log standard deviation for the Gaussian.

    Returns:
        A (batch,) tensor of log-likelihoods in nats.

    Example:

    >>> x = keras.ops.ones((1, 3))
    >>> round(float(log_likelihood("bernoulli", x, keras.ops.zeros((1, 3)))[0]), 4)
    -2.0794
    """
    targets = ops.convert_to_tensor(targets, dtype=decoder_output.dtype)
    if likelihood == "gaussian":
        log_scale = ops.zeros((), decoder_output.dtype) if log_scale is None else log_scale
        z = (targets - decoder_output) * ops.exp(-log_scale)
        values = -0.5 * ops.square(z) - log_scale - _HALF_LOG_TWO_PI
    else:
        values = targets * decoder_output - ops.softplus(decoder_output)
        if likelihood == "continuous_bernoulli":
            values = values + continuous_bernoulli_log_normalizer(decoder_output)
    return _sum_features(values)


def decoder_mean(likelihood, decoder_output):
    """The mean of p(x | z): what a reconstruction or a sample shows.

    For the continuous Bernoulli this is λ/(2λ-1) + 1/(2 atanh(1-2λ)) =
    σ(l)/tanh(l/2) - 1/l (not λ itself), ≈ 1/2 + l/12 near l = 0.

    Example:

    >>> float(decoder_mean("bernoulli", keras.ops.zeros((1,)))[0])
    0.5
    """
    if likelihood == "gaussian":
        return decoder_output
    if likelihood == "bernoulli":
        return ops.sigmoid(decoder_output)
    small = ops.abs(decoder_output) < _SMALL_LOGIT
    safe = ops.where(small, ops.ones_like(decoder_output), decoder_output)
    exact = ops.sigmoid(safe) / ops.tanh(safe / 2.0) - 1.0 / safe
    return ops.where(small, 0.5 + decoder_output / 12.0, exact)


def gaussian_kl(mean, log_var):
    """KL(N(mean, exp(log_var)) || N(0, I)) per sample, closed form.

    Example:

    >>> float(gaussian_kl(keras.ops.ones((1, 2)), keras.ops.zeros((1, 2)))[0])  # 0.5 * |mean|^2
    1.0
    """
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def standard_normal_log_prob(z):
    """log N(z; 0, I) summed over the last axis.

    Example:

    >>> round(float(standard_normal_log_prob(keras.ops.zeros((1, 1)))[0]), 4)
    -0.9189
    """
    return ops.sum(-0.5 * ops.square(z) - _HALF_LOG_TWO_PI, axis=-1)


def tfp_log_likelihood(likelihood, targets, decoder_output, log_scale=None):
    """`log_likelihood` computed with TensorFlow Probability (TF and JAX backends).

    Example:

    >>> from keras_gen.models.vae.tfp_distributions import tfp_available
    >>> x, logits = keras.ops.ones((1, 3)), keras.ops.zeros((1, 3))
    >>> not tfp_available() or abs(float(tfp_log_likelihood("bernoulli", x, logits)[0]) + 2.0794) < 1e-4
    True
    """
    from keras_gen.models.vae.tfp_distributions import tfp_distributions

    tfd = tfp_distributions()
    targets = ops.convert_to_tensor(targets, dtype=decoder_output.dtype)
    if likelihood == "gaussian":
        log_scale = ops.zeros((), decoder_output.dtype) if log_scale is None else log_scale
        base = tfd.Normal(loc=decoder_output, scale=ops.exp(log_scale) * ops.ones_like(decoder_output))
    elif likelihood == "bernoulli":
        # Float events: the int32 default truncates grey targets silently.
        base = tfd.Bernoulli(logits=decoder_output, dtype=decoder_output.dtype)
    else:
        base = tfd.ContinuousBernoulli(logits=decoder_output)
    rank = len(decoder_output.shape) - 1
    return tfd.Independent(base, reinterpreted_batch_ndims=rank).log_prob(targets)


def tfp_gaussian_kl(mean, log_var):
    """`gaussian_kl` computed with TensorFlow Probability (TF and JAX backends).

    Example:

    >>> from keras_gen.models.vae.tfp_distributions import tfp_available
    >>> not tfp_available() or float(tfp_gaussian_kl(keras.ops.zeros((1, 2)), keras.ops.zeros((1, 2)))[0]) == 0.0
    True
    """
    from keras_gen.models.vae.tfp_distributions import tfp_distributions

    tfd = tfp_distributions()
    posterior = tfd.MultivariateNormalDiag(loc=mean, scale_diag=ops.exp(0.5 * log_var))
    prior = tfd.MultivariateNormalDiag(loc=ops.zeros_like(mean), scale_diag=ops.ones_like(mean))
    return tfd.kl_divergence(posterior, prior)


def check_support(likelihood, x, name, binarized=False):
    """Raises a `ValueError` naming `name` if NumPy data `x` lies outside the support of p(x|z).

    Gaussian decoders take any real data; the Bernoulli family needs [0, 1],
    and the plain Bernoulli exactly 0/1 unless the model binarizes grey
    data itself (`binarized=True`).

    Example:

    >>> check_support("bernoulli", np.array([[0.0, 0.5]]), "x", binarized=True)
    """
    if likelihood == "gaussian":
        return
    low, high = float(x.min()), float(x.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"Expected `{name}` to lie in [0, 1] for a {likelihood} decoder. "
            f"Received: {name} with values in [{low:g}, {high:g}]"
        )
    if likelihood == "bernoulli" and not binarized and not np.all((x == 0) | (x == 1)):
        raise ValueError(
            f"Expected binary `{name}` (0/1) for a Bernoulli decoder; pass binarize=True "
            "for dynamic binarization of grey data, or use likelihood='continuous_bernoulli'. "
            f"Received: {name} with values in [{low:g}, {high:g}] that are not all 0 or 1"
        )


def log_importance_weights(vae, x, num_samples, seed):
    """`VAE.log_importance_weights`: log p(x, z_i) - log q(z_i | x), (batch, num_samples).

    A pure function of its arguments (`seed` a (2,) int32 tensor threaded as
    the state of the VAE's generator), so it compiles with `compile_function`.

    Example:

    >>> from keras_gen.models import VAE
    >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
    >>> tuple(log_importance_weights(vae, np.ones((3, 4)), 5, np.array([0, 1], "int32")).shape)
    (3, 5)
    """
    x = ops.convert_to_tensor(x, vae.compute_dtype)
    batch = ops.shape(x)[0]
    z_mean, z_log_var = vae._split(vae.encoder(x, training=False))
    # The seed is threaded as the generator's state so the function stays
    # pure (no variable writes) under XLA compilation.
    state = vae.seed_generator.state
    mapping = [(state, ops.cast(ops.convert_to_tensor(seed), state.dtype))]
    with keras.StatelessScope(state_mapping=mapping):
        noise = keras.random.normal((num_samples,) + tuple(ops.shape(z_mean)),
                                    seed=vae.seed_generator, dtype=z_mean.dtype)
    z = z_mean[None] + ops.exp(0.5 * z_log_var)[None] * noise
    outputs = vae.decoder(ops.reshape(z, (-1, vae.latent_dim)), training=False)
    targets = ops.reshape(ops.repeat(x[None], num_samples, axis=0), (-1,) + vae.data_shape)
    log_px = ops.reshape(
        log_likelihood(vae.likelihood, targets, outputs, vae._log_scale()),
        (num_samples, batch),
    )
    log_pz = standard_normal_log_prob(z)
    log_qz = ops.sum(-0.5 * ops.square(noise) - 0.5 * z_log_var[None], axis=-1) - (
        0.5 * np.log(2 * np.pi) * vae.latent_dim
    )
    return ops.transpose(log_px + log_pz - log_qz)
