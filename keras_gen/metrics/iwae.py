"""Importance-weighted estimate of the negative log-likelihood of a VAE."""

import math

import numpy as np

from keras_gen.utils import check_array
from keras_gen.utils import check_positive_int

__all__ = ["iwae_nll"]


def iwae_nll(model, x, num_samples=1000, batch_size=100, chunk_size=250, seed=0,
             return_per_example=False, verbose=0):
    """Negative log-likelihood in nats by the importance-weighted (IWAE) bound.

    log p(x) >= log (1/k) Σ_i p(x, z_i) / q(z_i | x) with z_i ~ q(z | x); the
    bound tightens as k grows (Burda et al.), so `-bound` over-estimates the
    NLL. Examples go through in batches and the k samples in chunks whose
    log-weights are combined with a running log-sum-exp in float64, so k =
    5000 fits in memory.

    Args:
        model: a model with `log_importance_weights(x, num_samples, seed)`
            returning (batch, num_samples) log-weights, e.g. `VAE`.
        x: data, (N, *data_shape); binary for a Bernoulli decoder.
        num_samples: k, importance samples per example.
        batch_size: examples per step.
        chunk_size: importance samples per step (bounds memory:
            `batch_size * chunk_size` decoder passes at once).
        seed: integer seed; the same seed gives the same estimate.
        return_per_example: also return the (N,) per-example NLLs.
        verbose: 1 prints a progress bar.

    Returns:
        The mean NLL (float), or `(mean, per_example)`.

    Example:

    >>> import numpy as np
    >>> from keras_gen.models.vae import VAE
    >>> vae = VAE.dense((16,), latent_dim=2, hidden_units=(8,))
    >>> x = (np.random.rand(10, 16) > 0.5).astype("float32")
    >>> iwae_nll(vae, x, num_samples=20, batch_size=5, chunk_size=10) > 0
    True

    Reference: Burda, Grosse & Salakhutdinov, "Importance Weighted
    Autoencoders", ICLR 2016.
    """
    import keras

    from keras_gen.trainers import compile_function

    if not hasattr(model, "log_importance_weights"):
        raise ValueError(
            "Expected `model` to have a `log_importance_weights(x, num_samples, seed)` method "
            f"(e.g. a VAE). Received: model of type {type(model).__name__}"
        )
    x = check_array("x", x)
    num_samples = check_positive_int("num_samples", num_samples)
    batch_size = check_positive_int("batch_size", batch_size)
    chunk_size = min(check_positive_int("chunk_size", chunk_size), num_samples)
    seed = check_positive_int("seed", seed, minimum=0)

    # One compiled function per call: JAX bakes the weights in as constants.
    steps = {}

    def step_for(size):
        if size not in steps:
            steps[size] = compile_function(
                lambda batch, key: model.log_importance_weights(batch, size, key)
            )
        return steps[size]

    batches = range(0, len(x), batch_size)
    progress = keras.utils.Progbar(len(batches)) if verbose else None
    per_example = np.empty(len(x), dtype="float64")
    counter = 0
    for start in batches:
        batch = keras.ops.convert_to_tensor(x[start : start + batch_size])
        running = None
        for chunk_start in range(0, num_samples, chunk_size):
            size = min(chunk_size, num_samples - chunk_start)
            key = keras.ops.convert_to_tensor(np.array([seed, counter], dtype="int32"))
            counter += 1
            weights = keras.ops.convert_to_numpy(step_for(size)(batch, key)).astype("float64")
            chunk = _logsumexp(weights)
            running = chunk if running is None else np.logaddexp(running, chunk)
        per_example[start : start + len(running)] = -(running - math.log(num_samples))
        if progress is not None:
            progress.add(1)
    mean = float(per_example.mean())
    return (mean, per_example) if return_per_example else mean


def _logsumexp(values):
    top = values.max(axis=1)
    return top + np.log(np.exp(values - top[:, None]).sum(axis=1))
