"""A DBM's partition function by AIS and its variational lower bound on test log-likelihood."""


import numpy as np
from keras import ops

from keras_gen.models.rbm.ais import check_betas
from keras_gen.utils import check_positive_int

__all__ = ["ais_log_partition", "ais_lower_bound", "variational_lower_bound", "exact_log_partition",
           "exact_log_likelihood"]

MAX_EXACT_UNITS = 20


# Nats by which AIS's log Z (upper end) may fall below the sure floor and still count as valid.
VALIDITY_TOLERANCE = 1.0

def _check_model(model):
    if not getattr(model, "built", False) or not hasattr(model, "kernel_2"):
        raise ValueError(f"Expected `model` to be a built DBM. Received: model={model!r}")


def _check_binary(model, name, x):
    x = model._check_input(name, x)
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError(
            f"Expected `{name}` to be binary (0/1) for a likelihood under Bernoulli visible units. "
            f"Received: {name} with values such as {x[~np.isin(x, (0.0, 1.0))][:3].tolist()}"
        )
    return x


def _parameters(model):
    """The energy's parameters: W1, W2, b, c1, c2, and the label units' U, d (zero-sized without them)."""
    if model.num_classes:
        labels = [model.label_kernel.value, model.label_bias.value]
    else:
        labels = [np.zeros((0, model.hidden_units[1]), "float32"), np.zeros((0,), "float32")]
    return [model.kernel_1.value, model.kernel_2.value, model.visible_bias.value,
            model.hidden_bias_1.value, model.hidden_bias_2.value] + labels


def _base_biases(model, data, rows=10000):
    """Base-rate biases for chains over (v, h2) and over h1 (and the label units).

    v at the data's log-odds, h1 and h2 at the log-odds of their mean-field
    activity on up to `rows` data rows, labels at the log of their mean
    mean-field probabilities. Uniform without `data`.
    """
    from keras_gen.models.rbm.bipartite_ais import base_rate_bias
    from keras_gen.models.rbm.bipartite_ais import data_activity

    first, second = model.hidden_units
    classes = model.num_classes or 0
    if data is None:
        return np.zeros(model.data_units + second, "float32"), np.zeros(first + classes, "float32")
    data = model._check_input("data", data)
    activity = data_activity(lambda v: ops.concatenate(
        [q for q in model.mean_field_with_labels(v) if q is not None], axis=-1), data, rows)
    first_activity, second_activity = activity[:, :first], activity[:, first : first + second]
    even = np.concatenate([base_rate_bias(data), base_rate_bias(second_activity)])
    odd = base_rate_bias(first_activity)
    if classes:
        odd = np.concatenate([odd, np.log(activity[:, first + second :].mean(axis=0) + 1e-6).astype("float32")])
    return even, odd


def _bipartite(model):
    """A two-layer DBM as a bipartite model: (v, h2) on one side, h1 (and the labels) on the other."""
    from keras_gen.models.rbm.bipartite_ais import Bipartite
    from keras_gen.models.rbm.bipartite_ais import bernoulli_group
    from keras_gen.models.rbm.bipartite_ais import joined_group
    from keras_gen.models.rbm.bipartite_ais import softmax_group

    kernel_1, kernel_2, visible_bias, hidden_bias_1, hidden_bias_2, label_kernel, label_bias = _parameters(model)
    # Rows v and h2, columns h1 and the labels (which only h2 touches).
    from_visible = ops.concatenate([kernel_1, ops.zeros((model.data_units, label_kernel.shape[0]))], axis=1)
    from_top = ops.concatenate([ops.transpose(kernel_2), ops.transpose(label_kernel)], axis=1)
    kernel = ops.concatenate([from_visible, from_top], axis=0)
    even_bias = ops.concatenate([visible_bias, hidden_bias_2], axis=0)
    odd_bias = ops.concatenate([hidden_bias_1, label_bias], axis=0)
    odd = bernoulli_group(model.hidden_units[0])
    if model.num_classes:
        odd = joined_group(odd, softmax_group(model.num_classes))
    return Bipartite(kernel, even_bias, odd_bias, bernoulli_group(model.data_units + model.hidden_units[1]),
                     odd, names=("even", "odd"))


def ais_log_partition(model, data=None, num_runs=100, betas=20000, seed=0, side="both", verbose=0):
    """Estimates log Z of a DBM by annealed importance sampling.

    A two-layer DBM is bipartite: v and h2 are independent given h1 (and
    the label units, if any), and those given them. The runs anneal over (v, h2) with h1 summed out
    analytically (Salakhutdinov & Hinton 2009: `side="even"`), or over h1
    with v and h2 summed out (`side="odd"`); `"both"` runs the two and keeps
    the larger estimate (a run that misses part of the model's mass only
    underestimates). The base model has zero weights and base-rate biases
    on the annealed side (v at the data's log-odds and h2 uniform, or h1 at
    its mean-field activity on the data; uniform without `data`); each run
    takes one Gibbs sweep per temperature, all as one compiled loop.

    Args:
        model: a built `DBM`.
        data: training data for the base-rate model (recommended), or `None`.
        num_runs: independent AIS runs, >= 1 (100 is usual).
        betas: number of inverse temperatures (>= 2; the paper used 20,000)
            or an explicit increasing schedule from 0 to 1.
        seed: int seed of the runs.
        side: "even", "odd" or "both" (default): the layers the chains run over.
        verbose: 1 shows progress bars.

    Returns:
        A dict: `log_z`, `log_z_lower` / `log_z_upper` (log of the mean
        importance weight -/+ 3 standard errors; `-inf` lower bound when that
        is negative), `log_weights_std`, `effective_sample_size`,
        `log_z_base`, `num_runs`, `num_betas`, `side` (where the kept
        estimate came from) and `log_z_by_side`.

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((3, 2), seed=0); dbm.build((None, 5))
    >>> result = ais_log_partition(dbm, num_runs=20, betas=100)
    >>> abs(result["log_z"] - exact_log_partition(dbm)) < 0.05
    True

    Reference:
        Salakhutdinov & Hinton, "Deep Boltzmann machines", AISTATS 2009;
        Neal, "Annealed importance sampling", Statistics and Computing 2001.
    """
    from keras_gen.models.rbm.bipartite_ais import anneal_both_sides
    from keras_gen.utils import check_in

    _check_model(model)
    num_runs = check_positive_int("num_runs", num_runs)
    betas = check_betas(betas)
    seed = check_positive_int("seed", seed, minimum=0)
    check_in("side", side, ("even", "odd", "both"))
    base_even, base_odd = _base_biases(model, data)
    return anneal_both_sides(_bipartite(model), base_even, base_odd, num_runs, betas, seed, side, verbose)


def _entropy(p):
    p = ops.clip(p, 1e-7, 1.0 - 1e-7)
    return -ops.sum(p * ops.log(p) + (1.0 - p) * ops.log(1.0 - p), axis=-1)


def _categorical_entropy(p):
    return -ops.sum(p * ops.log(ops.clip(p, 1e-12, 1.0)), axis=-1)


def variational_lower_bound(model, x, log_z, mean_field_steps=50, batch_size=1000):
    """Per-row lower bound on log p(x): `-E(x, q) + H(q) - log Z` with mean-field `q`.

    `q(h1) q(h2)` (and `q(l)` of label units) are the fully factorised
    mean-field marginals of the posterior (`model.mean_field_with_labels`,
    labels inferred: the bound is on `p(x)`); the expected energy under them is exact
    (the energy is linear in each layer) and their entropy is a sum over
    units. With the true log Z the result is a lower bound on each row's
    log-likelihood; with an AIS estimate it is an estimate of that bound.

    Args:
        model: a built `DBM`.
        x: binary data (n, visible units).
        log_z: log partition function (e.g. `ais_log_partition(...)["log_z"]`).
        mean_field_steps: fixed-point updates after the recognition pass, >= 1.
        batch_size: rows per batch.

    Returns:
        A float64 NumPy array (n,).

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((3, 2), seed=0); dbm.build((None, 5))
    >>> x = np.array([[1, 0, 1, 1, 0]], "float32")
    >>> bound = variational_lower_bound(dbm, x, exact_log_partition(dbm))
    >>> bool(bound[0] <= exact_log_likelihood(dbm, x)[0] + 1e-6)
    True
    """
    _check_model(model)
    x = _check_binary(model, "x", x)
    mean_field_steps = check_positive_int("mean_field_steps", mean_field_steps)
    batch_size = check_positive_int("batch_size", batch_size)
    bounds = []
    for start in range(0, len(x), batch_size):
        v = ops.convert_to_tensor(x[start : start + batch_size])
        mu1, mu2, q_labels = model.mean_field_with_labels(v, steps=mean_field_steps)
        bound = -model.energy(v, mu1, mu2, q_labels) + _entropy(mu1) + _entropy(mu2)
        if q_labels is not None:
            bound = bound + _categorical_entropy(q_labels)
        bounds.append(ops.convert_to_numpy(bound).astype("float64"))
    return np.concatenate(bounds) - float(log_z)


def _largest_state_log_probability(model, x, mean_field_steps, batch_size=1000):
    """max over rows of log p*(v, h2) (h1 and labels summed out), h2 the rounded mean-field marginals."""
    largest = -np.inf
    for start in range(0, len(x), batch_size):
        v = ops.convert_to_tensor(x[start : start + batch_size])
        h2 = ops.cast(model.mean_field(v, steps=mean_field_steps)[1] > 0.5, "float32")
        preactivation = (ops.matmul(v, model.kernel_1) + ops.matmul(h2, ops.transpose(model.kernel_2))
                         + model.hidden_bias_1)
        log_p = (ops.sum(v * model.visible_bias, -1) + ops.sum(h2 * model.hidden_bias_2, -1)
                 + ops.sum(ops.softplus(preactivation), -1))
        if model.num_classes:
            log_p = log_p + ops.logsumexp(model._label_preactivation(h2), -1)
        largest = max(largest, float(np.max(ops.convert_to_numpy(log_p).astype("float64"))))
    return largest


def ais_lower_bound(model, x, data=None, num_runs=100, betas=20000, seed=0, mean_field_steps=50, side="both"):
    """Average variational lower bound on the log-likelihood of `x`, log Z by AIS.

    Args:
        model: a built `DBM`.
        x: binary test data (n, visible units).
        data: training data for the AIS base-rate model.
        num_runs, betas, seed, side: AIS settings (see `ais_log_partition`).
        mean_field_steps: mean-field updates per row.

    Returns:
        The `ais_log_partition` dict plus `lower_bound` (nats per row),
        `lower_bound_low` / `lower_bound_high` from log Z's 3-standard-error
        interval (`lower_bound_high` is `inf` when that interval has no
        lower end), `log_z_floor` (the largest log p*(v, h2) of the test rows
        with their rounded mean-field h2, a sure lower bound on log Z) and
        `valid` (False when AIS's log Z falls more than
        `VALIDITY_TOLERANCE`, 1 nat, below that floor).

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((3, 2), seed=0); dbm.build((None, 5))
    >>> x = np.array([[1, 0, 1, 1, 0], [0, 1, 0, 0, 1]], "float32")
    >>> result = ais_lower_bound(dbm, x, num_runs=10, betas=100)
    >>> result["lower_bound"] < 0, result["valid"]
    (True, True)

    Reference:
        Salakhutdinov & Hinton, "Deep Boltzmann machines", AISTATS 2009.
    """
    _check_model(model)
    x = _check_binary(model, "x", x)
    result = ais_log_partition(model, data=data, num_runs=num_runs, betas=betas, seed=seed, side=side)
    unnormalized = float(variational_lower_bound(model, x, 0.0, mean_field_steps).mean())
    # Z >= p*(v, h2) for every state, so an estimate below the p* of a
    # test row with its rounded mean-field h2 is certainly wrong: the AIS
    # runs missed the model's modes and the "bound" built on it is too high.
    result["log_z_floor"] = _largest_state_log_probability(model, x, mean_field_steps)
    # AIS underestimates log Z a little by chance (tenths of a nat); what the
    # check flags is an annealing that missed the model's mass (tens of nats).
    result["valid"] = bool(result["log_z_upper"] + VALIDITY_TOLERANCE >= result["log_z_floor"])
    result["lower_bound"] = unnormalized - result["log_z"]
    result["lower_bound_low"] = unnormalized - result["log_z_upper"]
    result["lower_bound_high"] = unnormalized - result["log_z_lower"]
    return result


def _numpy_parameters(model):
    return [ops.convert_to_numpy(p).astype("float64") for p in _parameters(model)]


def _check_small(model, layer):
    units = model.hidden_units[layer - 1]
    if units > MAX_EXACT_UNITS:
        raise ValueError(
            f"Expected `model` with at most {MAX_EXACT_UNITS} units in hidden layer {layer} for exact "
            f"enumeration. Received: model with hidden_units={model.hidden_units}"
        )
    return units


def _configurations(units):
    codes = np.arange(2**units)
    return ((codes[:, None] >> np.arange(units)) & 1).astype("float64")


def exact_log_partition(model):
    """Exact log Z of a small DBM, enumerating h1 and the labels (v and h2 summed out given them).

    Args:
        model: a built `DBM` with at most 20 units in its first hidden layer.

    Returns:
        log Z as a Python float.

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((2, 2)); dbm.build((None, 3))
    >>> for kernel in (dbm.kernel_1, dbm.kernel_2):
    ...     _ = kernel.assign(np.zeros(kernel.shape, "float32"))
    >>> round(exact_log_partition(dbm), 6) == round(7 * float(np.log(2.0)), 6)
    True
    """
    _check_model(model)
    h1 = _configurations(_check_small(model, 1))
    kernel_1, kernel_2, visible_bias, hidden_bias_1, hidden_bias_2, label_kernel, label_bias = _numpy_parameters(
        model)
    # One row per (h1, label): a zero-sized label part without label units.
    labels = np.eye(len(label_bias)) if len(label_bias) else np.zeros((1, 0))
    h1, labels = np.repeat(h1, len(labels), axis=0), np.tile(labels, (len(h1), 1))
    terms = (h1 @ hidden_bias_1 + labels @ label_bias + np.logaddexp(0.0, h1 @ kernel_1.T + visible_bias).sum(axis=1)
             + np.logaddexp(0.0, h1 @ kernel_2 + labels @ label_kernel + hidden_bias_2).sum(axis=1))
    top = terms.max()
    return float(top + np.log(np.exp(terms - top).sum()))


def exact_log_likelihood(model, x):
    """Exact log p(x) per row of a small DBM, enumerating h2 (h1 and the labels summed out).

    Args:
        model: a built `DBM` with at most 20 units in each hidden layer.
        x: binary data (n, visible units).

    Returns:
        A float64 NumPy array (n,).

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((2, 2), seed=0); dbm.build((None, 3))
    >>> x = _configurations(3)  # every visible vector: the probabilities sum to 1
    >>> round(float(np.exp(exact_log_likelihood(dbm, x)).sum()), 6)
    1.0
    """
    _check_model(model)
    x = _check_binary(model, "x", x).astype("float64")
    h2 = _configurations(_check_small(model, 2))
    log_z = exact_log_partition(model)
    kernel_1, kernel_2, visible_bias, hidden_bias_1, hidden_bias_2, label_kernel, label_bias = _numpy_parameters(
        model)
    preactivation = (x @ kernel_1)[:, None, :] + (h2 @ kernel_2.T)[None, :, :] + hidden_bias_1
    terms = (h2 @ hidden_bias_2)[None, :] + np.logaddexp(0.0, preactivation).sum(axis=-1)
    if len(label_bias):
        label_terms = h2 @ label_kernel.T + label_bias
        top_label = label_terms.max(axis=1, keepdims=True)
        terms = terms + (top_label[:, 0] + np.log(np.exp(label_terms - top_label).sum(axis=1)))[None, :]
    top = terms.max(axis=1, keepdims=True)
    marginal = top[:, 0] + np.log(np.exp(terms - top).sum(axis=1))
    return x @ visible_bias + marginal - log_z
