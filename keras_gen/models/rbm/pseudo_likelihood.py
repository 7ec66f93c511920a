"""Pseudo-log-likelihood of a Bernoulli RBM: stochastic (one unit) and exact (all units)."""

import keras
import numpy as np
from keras import ops

__all__ = ["pseudo_log_likelihood", "stochastic_pseudo_log_likelihood"]


def _flip_free_energy(model, v, preactivation, index):
    """F(v with unit `index` of each row replaced by 1 - v_index), (batch,)."""
    v_index = ops.take_along_axis(v, index[:, None], axis=1)[:, 0]
    delta = 1.0 - 2.0 * v_index
    flipped_preactivation = preactivation + delta[:, None] * ops.take(model.kernel, index, axis=0)
    linear = ops.squeeze(ops.matmul(v, model.visible_bias[:, None]), -1)
    linear = linear + delta * ops.take(model.visible_bias, index, axis=0)
    return -linear - ops.sum(ops.softplus(flipped_preactivation), axis=-1)


def stochastic_pseudo_log_likelihood(model, v, stream, preactivation=None, free_energy=None):
    """Per-row pseudo-log-likelihood from one randomly chosen unit per row.

    `D * log sigmoid(F(v~) - F(v))`, with `v~` equal to `v` except unit `i`
    (uniform per row) replaced by `1 - v_i`: an unbiased estimate of
    sum_i log p(v_i | v_-i), as scikit-learn's `BernoulliRBM.score_samples`.
    A tensor function (usable inside train steps and compiled loops).

    Args:
        model: a Bernoulli-visible `RBM`.
        v: visible batch (batch, visible_units), a tensor.
        stream: a `keras_gen.models.rbm.random_stream.RandomStream`.
        preactivation: `model.hidden_preactivation(v)` if already computed.
        free_energy: `model.free_energy(v)` if already computed.

    Returns:
        A (batch,) tensor.

    Example:

    >>> from keras_gen.models.rbm import RBM
    >>> from keras_gen.models.rbm.random_stream import RandomStream
    >>> rbm = RBM(4, seed=0); rbm.build((None, 6))
    >>> v = keras.ops.ones((3, 6))
    >>> stream = RandomStream(keras.random.SeedGenerator(0))
    >>> tuple(stochastic_pseudo_log_likelihood(rbm, v, stream).shape)
    (3,)

    Reference:
        Besag, "Statistical analysis of non-lattice data", The Statistician 1975.
    """
    if preactivation is None:
        preactivation = model.hidden_preactivation(v)
    if free_energy is None:
        free_energy = model.free_energy(v, preactivation)
    visible_units = v.shape[-1]
    index = stream.randint((ops.shape(v)[0],), 0, visible_units)
    flipped = _flip_free_energy(model, v, preactivation, index)
    return visible_units * ops.log_sigmoid(flipped - free_energy)


def pseudo_log_likelihood(model, x, exact=False, seed=0, batch_size=1000):
    """Pseudo-log-likelihood of each row of `x` under a Bernoulli RBM.

    Args:
        model: a built, Bernoulli-visible `RBM`.
        x: data (n, visible_units) in [0, 1].
        exact: sum log p(v_i | v_-i) over every unit (D free energies per
            row) instead of the one-unit stochastic estimate.
        seed: int seed of the stochastic estimate.
        batch_size: rows per batch.

    Returns:
        A NumPy array (n,) of per-row values; average it for a score.

    Example:

    >>> import numpy as np
    >>> from keras_gen.models.rbm import RBM
    >>> rbm = RBM(4, seed=0); rbm.build((None, 6))
    >>> pseudo_log_likelihood(rbm, np.ones((3, 6)), exact=True).shape
    (3,)
    """
    from keras_gen.models.rbm.random_stream import RandomStream
    from keras_gen.utils import check_positive_int

    if getattr(model, "visible_type", None) != "bernoulli" or not model.built:
        raise ValueError(
            "Expected `model` to be a built RBM with Bernoulli visible units. "
            f"Received: model={model!r} (visible_type={getattr(model, 'visible_type', None)!r})"
        )
    batch_size = check_positive_int("batch_size", batch_size)
    x = model._visible_input("x", x, numpy=True)
    if x.shape[1] != model.visible_units:
        raise ValueError(
            f"Expected `x` to have {model.visible_units} features. Received: x with shape {x.shape}"
        )
    stream = RandomStream(keras.random.SeedGenerator(check_positive_int("seed", seed, minimum=0)))
    results = []
    for start in range(0, len(x), batch_size):
        v = ops.convert_to_tensor(x[start : start + batch_size])
        preactivation = model.hidden_preactivation(v)
        free_energy = model.free_energy(v, preactivation)
        if not exact:
            values = stochastic_pseudo_log_likelihood(model, v, stream, preactivation, free_energy)
        else:
            values = 0.0
            for unit in range(x.shape[1]):
                index = ops.full((ops.shape(v)[0],), unit, dtype="int32")
                flipped = _flip_free_energy(model, v, preactivation, index)
                values = values + ops.log_sigmoid(flipped - free_energy)
        results.append(ops.convert_to_numpy(values))
    return np.concatenate(results).astype("float64")
