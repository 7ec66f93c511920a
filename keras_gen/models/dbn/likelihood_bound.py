"""The variational lower bound on a DBN's log-likelihood (Salakhutdinov & Murray 2008)."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.ais import ais_log_partition
from keras_gen.models.rbm.ais import exact_log_partition
from keras_gen.models.rbm.ais import unnormalized_log_probability
from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.utils import check_positive_int

__all__ = ["lower_bound", "ais_lower_bound", "exact_log_likelihood"]

MAX_EXACT_UNITS = 20


# Nats by which AIS's log Z (upper end) may fall below the sure floor and still count as valid.
VALIDITY_TOLERANCE = 1.0

def _check_dbn(dbn, x):
    rbms = getattr(dbn, "rbms", None)
    if not getattr(dbn, "built", False) or rbms is None or len(rbms) < 2:
        raise ValueError(f"Expected `dbn` to be a built DBN with at least two layers. Received: dbn={dbn!r}")
    if any(rbm.visible_type != "bernoulli" for rbm in rbms):
        raise ValueError("Expected `dbn` to have Bernoulli layers. "
                         f"Received: dbn with layers {[(type(rbm).__name__, rbm.visible_type) for rbm in rbms]}")
    x = dbn._check_input("x", x)
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError("Expected `x` to be binary (0/1) for a likelihood under Bernoulli visible units. "
                         f"Received: x with values such as {x[~np.isin(x, (0.0, 1.0))][:3].tolist()}")
    return x


def _log_bernoulli(x, logits):
    """sum_i log p(x_i) for p(x_i = 1) = sigmoid(logits_i)."""
    return ops.sum(x * logits - ops.softplus(logits), axis=-1)


def _entropy_from_logits(logits):
    p = ops.sigmoid(logits)
    return ops.sum(ops.softplus(logits) - p * logits, axis=-1)


def _unnormalized_bound(dbn, v, stream):
    """One sample of sum log p(h_below | h) + H(q) per row of `v`, and h_top-1.

    q runs up the recognition weights (each RBM's p(h | below)); the
    generative model runs down (the top RBM, then each RBM's p(below | h)).
    Entropies are exact given the layer below, so only the path is sampled.
    """
    below, total = v, 0.0
    for rbm in dbn.rbms[:-1]:
        logits = rbm.hidden_preactivation(below)
        h = stream.bernoulli(ops.sigmoid(logits))
        total = total + _entropy_from_logits(logits) + _log_bernoulli(below, rbm.visible_preactivation(h))
        below = h
    return total, below


def lower_bound(dbn, x, log_z, num_samples=10, seed=0, batch_size=1000):
    """Per-row lower bound on a DBN's log p(x), given the top RBM's log Z.

    `log p(x) >= E_q[log p*(h_{L-1}) + sum_k log p(h_{k-1} | h_k)] + H(q) -
    log Z_top`, where q is the up-pass through the recognition weights
    (h_k ~ p_k(h | h_{k-1}) of each layer's RBM) and p the generative model
    (the top RBM, then each lower RBM's p(h_{k-1} | h_k); a labelled top
    RBM's label summed out of p*). The expectation
    is averaged over `num_samples` up-passes per row (an unbiased estimate of
    the bound); each layer's entropy is computed exactly given the sample
    below it.

    Args:
        dbn: a built `DBN` with Bernoulli layers (its top RBM labelled or not).
        x: binary data (n, visible units).
        log_z: log partition function of the top RBM.
        num_samples: up-passes per row, >= 1.
        seed: int seed of the up-passes.
        batch_size: rows per batch.

    Returns:
        A float64 NumPy array (n,).

    Example:

    >>> from keras_gen.models import DBN
    >>> dbn = DBN([3, 2], seed=0); dbn.build((None, 4))
    >>> x = np.array([[1, 0, 1, 1]], "float32")
    >>> from keras_gen.models.rbm.ais import exact_log_partition
    >>> bound = lower_bound(dbn, x, exact_log_partition(dbn.rbms[-1]), num_samples=200)
    >>> bool(bound[0] <= exact_log_likelihood(dbn, x)[0] + 0.05)
    True
    """
    return _bound_terms(dbn, x, num_samples, seed, batch_size)[0] - float(log_z)


def _bound_terms(dbn, x, num_samples, seed, batch_size):
    """The unnormalized per-row bound, and the largest log p*(h_{L-1}) of the up-passes."""
    x = _check_dbn(dbn, x)
    num_samples = check_positive_int("num_samples", num_samples)
    batch_size = check_positive_int("batch_size", batch_size)
    stream = RandomStream(keras.random.SeedGenerator(check_positive_int("seed", seed, minimum=0)))
    bounds, largest = [], -np.inf
    for start in range(0, len(x), batch_size):
        v = ops.convert_to_tensor(x[start : start + batch_size])
        total = 0.0
        for _ in range(num_samples):
            lower, top_input = _unnormalized_bound(dbn, v, stream)
            top = unnormalized_log_probability(dbn.rbms[-1], top_input)
            largest = max(largest, float(np.max(top)))
            total = total + ops.convert_to_numpy(lower).astype("float64") + top
        bounds.append(total / num_samples)
    return np.concatenate(bounds), largest


def ais_lower_bound(dbn, x, data=None, num_samples=10, num_runs=100, betas=14500, seed=0, side="both"):
    """Average lower bound on the log-likelihood of `x`, the top RBM's log Z by AIS.

    Salakhutdinov & Murray (2008): AIS estimates the top RBM's partition
    function (its base-rate model fitted to the training data's up-pass),
    and the variational bound carries it through the lower layers.

    Args:
        dbn: a built `DBN` with Bernoulli layers (its top RBM labelled or not).
        x: binary test data.
        data: training data (its up-pass sets the AIS base-rate model).
        num_samples: up-passes per test row, >= 1.
        num_runs, betas, seed, side: AIS settings (see
            `keras_gen.models.rbm.ais.ais_log_partition`; by default the
            chains run over each side of the top RBM in turn).

    Returns:
        The top RBM's AIS dict plus `lower_bound` (nats per row),
        `lower_bound_low` / `lower_bound_high` from log Z's interval,
        `log_z_floor` (the largest log p*(h) of the test up-passes, a sure
        lower bound on log Z) and `valid` (False when AIS's log Z falls more than
        `VALIDITY_TOLERANCE`, 1 nat, below
        that floor: the runs missed the top RBM's modes and the bound is
        not one).

    Example:

    >>> from keras_gen.models import DBN
    >>> dbn = DBN([3, 2], seed=0); dbn.build((None, 4))
    >>> x = np.array([[1, 0, 1, 1], [0, 1, 0, 0]], "float32")
    >>> result = ais_lower_bound(dbn, x, num_runs=10, betas=100)
    >>> result["lower_bound"] < 0, result["valid"]
    (True, True)

    Reference:
        Salakhutdinov & Murray, "On the quantitative analysis of deep belief
        networks", ICML 2008.
    """
    x = _check_dbn(dbn, x)
    top_data = None
    if data is not None:
        top_data = dbn._check_input("data", data)
        for rbm in dbn.rbms[:-1]:
            top_data = rbm.transform(top_data)
    result = ais_log_partition(dbn.rbms[-1], data=top_data, num_runs=num_runs, betas=betas, seed=seed,
                               side=side)
    rows, largest = _bound_terms(dbn, x, num_samples, seed, batch_size=1000)
    unnormalized = float(rows.mean())
    # Z >= p*(h) for every state h, so an estimate below the largest p*(h)
    # of the up-passes is certainly wrong: the AIS runs missed the top RBM's
    # modes, and the "bound" built on it is too high.
    result["log_z_floor"] = largest
    # AIS underestimates log Z a little by chance (tenths of a nat); what the
    # check flags is an annealing that missed the model's mass (tens of nats).
    result["valid"] = bool(result["log_z_upper"] + VALIDITY_TOLERANCE >= largest)
    result["lower_bound"] = unnormalized - result["log_z"]
    result["lower_bound_low"] = unnormalized - result["log_z_upper"]
    result["lower_bound_high"] = unnormalized - result["log_z_lower"]
    return result


def exact_log_likelihood(dbn, x):
    """Exact log p(x) per row of a small two-layer DBN (enumerating h1; labels summed out).

    Args:
        dbn: a built two-layer `DBN` whose first hidden layer and top RBM's
            hidden layer have at most 20 units each.
        x: binary data.

    Returns:
        A float64 NumPy array (n,).

    Example:

    >>> from keras_gen.models import DBN
    >>> dbn = DBN([2, 2], seed=0); dbn.build((None, 3))
    >>> x = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype("float32")
    >>> round(float(np.exp(exact_log_likelihood(dbn, x)).sum()), 6)
    1.0
    """
    x = _check_dbn(dbn, x).astype("float64")
    if len(dbn.rbms) != 2 or max(dbn.hidden_units) > MAX_EXACT_UNITS:
        raise ValueError(f"Expected a two-layer DBN with at most {MAX_EXACT_UNITS} units a layer for exact "
                         f"enumeration. Received: dbn with hidden_units={dbn.hidden_units}")
    bottom, top = dbn.rbms
    units = bottom.hidden_units
    h1 = ((np.arange(2**units)[:, None] >> np.arange(units)) & 1).astype("float64")
    log_prior = unnormalized_log_probability(top, h1.astype("float32")) - exact_log_partition(top)
    kernel = ops.convert_to_numpy(bottom.kernel).astype("float64")
    logits = h1 @ kernel.T + ops.convert_to_numpy(bottom.visible_bias).astype("float64")
    log_given = x @ logits.T - np.logaddexp(0.0, logits).sum(axis=1)[None, :]
    terms = log_given + log_prior[None, :]
    top_term = terms.max(axis=1, keepdims=True)
    return top_term[:, 0] + np.log(np.exp(terms - top_term).sum(axis=1))
