"""Annealed importance sampling (AIS) of an RBM's partition function and test log-likelihood."""

import math

import numpy as np
from keras import ops

__all__ = ["ais_log_partition", "ais_log_likelihood", "exact_log_partition", "ais_betas", "check_betas",
           "summarize_log_weights", "unnormalized_log_probability"]

MAX_EXACT_HIDDEN_UNITS = 20


def ais_betas(count=14500):
    """The schedule of Salakhutdinov & Murray (2008), scaled to `count` temperatures.

    Uniform steps in [0, 0.5), [0.5, 0.9) and [0.9, 1] in the proportion
    500 : 4,000 : 10,000, so most steps are spent near the model (beta = 1).

    Args:
        count: number of inverse temperatures including 0 and 1, >= 2.

    Returns:
        A float64 NumPy array rising from 0 to 1.

    Example:

    >>> betas = ais_betas(145)
    >>> float(betas[0]), float(betas[-1]), len(betas)
    (0.0, 1.0, 145)
    """
    from keras_gen.utils import check_positive_int

    count = check_positive_int("betas", count, minimum=2)
    first = int(round((count - 1) * 0.5 / 14.5))
    second = int(round((count - 1) * 4.0 / 14.5))
    third = count - 1 - first - second
    return np.concatenate(
        [
            np.linspace(0.0, 0.5, first, endpoint=False),
            np.linspace(0.5, 0.9, second, endpoint=False),
            np.linspace(0.9, 1.0, third + 1),
        ]
    )


def _label_units(model):
    """Units of a ClassificationRBM's softmax label group (0 for a plain RBM)."""
    return getattr(model, "num_classes", None) or 0


def _check_model(model, bernoulli_only):
    visible_type = getattr(model, "visible_type", None)
    ok = getattr(model, "built", False) and visible_type in ("bernoulli", "gaussian")
    ok = ok and getattr(model, "data_units", None) + _label_units(model) == getattr(model, "visible_units", -1)
    if not ok or (bernoulli_only and visible_type != "bernoulli"):
        kind = "Bernoulli-visible RBM or ClassificationRBM" if bernoulli_only else "RBM or ClassificationRBM"
        raise ValueError(
            f"Expected `model` to be a built {kind}. "
            f"Received: model={model!r} with visible_type={visible_type!r}"
        )


def check_betas(betas):
    """An AIS schedule: `ais_betas(betas)` for an integer, else the checked array.

    Args:
        betas: number of inverse temperatures (>= 2) or an increasing
            schedule from 0 to 1.

    Returns:
        A float64 NumPy array.

    Example:

    >>> check_betas([0.0, 0.5, 1.0]).tolist()
    [0.0, 0.5, 1.0]
    """
    if isinstance(betas, (int, np.integer)) and not isinstance(betas, bool):
        return ais_betas(int(betas))
    array = np.asarray(betas, dtype="float64")
    if (
        array.ndim != 1 or len(array) < 2 or not np.isfinite(array).all()
        or array[0] != 0.0 or array[-1] != 1.0 or np.any(np.diff(array) <= 0)
    ):
        raise ValueError(
            "Expected `betas` to be an integer >= 2 or a 1-D increasing schedule from 0 to 1 "
            f"with at least 2 values. Received: betas={betas!r}"
        )
    return array


def _visible_group(model):
    """The visible units as a `Group`: Bernoulli data units, a ClassificationRBM's labels one softmax."""
    from keras_gen.models.rbm.bipartite_ais import Group

    data_units, labels = model.data_units, _label_units(model)

    def log_sum(preactivation):
        total = ops.sum(ops.softplus(preactivation[:, :data_units]), axis=-1)
        if labels:
            total = total + ops.logsumexp(preactivation[:, data_units:], axis=-1)
        return total

    return Group(model.visible_units, model.sample_visible_from_preactivation, log_sum)


def _base_biases(model, data, rows=10000):
    """Base-rate biases for annealing over the visible units and over the hidden ones.

    Visible: the data's log-odds (labels uniform); hidden: the log-odds of the
    mean hidden activity over up to `rows` data rows (a ClassificationRBM's
    label input at 1/K). Without `data` both are uniform.
    """
    from keras_gen.models.rbm.bipartite_ais import base_rate_bias
    from keras_gen.models.rbm.bipartite_ais import data_activity

    if data is None:
        return np.zeros(model.visible_units, "float32"), np.zeros(model.hidden_units, "float32")
    data = model._visible_input("data", data, numpy=True, data=True)
    labels = _label_units(model)
    visible = np.concatenate([base_rate_bias(data), np.zeros(labels, "float32")])
    if labels:
        data = np.concatenate([data, np.full((len(data), labels), 1.0 / labels, "float32")], axis=1)
    activity = data_activity(model.hidden_probabilities, data, rows)
    return visible.astype("float32"), base_rate_bias(activity)


def ais_log_partition(model, data=None, num_runs=100, betas=14500, seed=0, verbose=0, side="both"):
    """Estimates log Z of a Bernoulli RBM by annealed importance sampling.

    The runs anneal from a base model with the RBM's shape and zero weights
    to the RBM, through `p_beta ~ exp((1 - beta) v.b_A + beta v.b) prod_j
    (1 + exp(beta (v W + c)_j))` (chains over the visible units, hidden ones
    summed out), or the same with the roles exchanged (chains over the
    hidden units, the visible ones summed out; a `ClassificationRBM`'s label
    group as one softmax unit). The base model's biases are the data's
    log-odds on the annealed side ("base rate": pixels, or the mean hidden
    activity on the data; uniform without `data`). With `side="both"` the
    two run one after the other and the larger estimate is kept: a run
    trapped on the wrong side of a phase transition only underestimates,
    which happened to chains over the 500 units of a DBN's 500-2000 top RBM
    (180 nats short) but not to chains over its 2000 units. Each schedule
    runs as one compiled `keras.ops.fori_loop`.

    Args:
        model: a built Bernoulli-visible `RBM` or `ClassificationRBM`.
        data: training data (data units only) for the base-rate models
            (recommended), or `None`.
        num_runs: independent AIS runs M, >= 1 (100 is usual).
        betas: number of inverse temperatures (>= 2, default 14,500 as
            in the paper) or an explicit increasing schedule from 0 to 1.
        seed: int seed of the runs.
        verbose: 1 shows a progress bar (the annealing then runs in 50
            compiled pieces, with the same result).
        side: "visible", "hidden" or "both" (default): the units the
            chains run over.

    Returns:
        A dict: `log_z` (log mean of the importance weights), `log_z_lower`
        and `log_z_upper` (log of mean -/+ 3 standard errors of the weights;
        `-inf` lower bound when that is negative), `log_weights_std` (spread
        of the runs' log weights), `effective_sample_size`, `log_z_base`,
        `num_runs`, `num_betas`, `side` (where the kept estimate came from)
        and `log_z_by_side`.

    Example:

    >>> from keras_gen.models import RBM
    >>> rbm = RBM(4, seed=0); rbm.build((None, 6))
    >>> result = ais_log_partition(rbm, num_runs=10, betas=50)
    >>> abs(result["log_z"] - exact_log_partition(rbm)) < 0.1
    True

    Reference:
        Salakhutdinov & Murray, "On the quantitative analysis of deep belief
        networks", ICML 2008; Neal, "Annealed importance sampling", 2001.
    """
    from keras_gen.models.rbm.bipartite_ais import Bipartite
    from keras_gen.models.rbm.bipartite_ais import anneal_both_sides
    from keras_gen.models.rbm.bipartite_ais import bernoulli_group
    from keras_gen.utils import check_in
    from keras_gen.utils import check_positive_int

    _check_model(model, bernoulli_only=True)
    num_runs = check_positive_int("num_runs", num_runs)
    betas = check_betas(betas)
    seed = check_positive_int("seed", seed, minimum=0)
    check_in("side", side, ("visible", "hidden", "both"))
    base_visible, base_hidden = _base_biases(model, data)
    bipartite = Bipartite(model.kernel.value, model.visible_bias.value, model.hidden_bias.value,
                          _visible_group(model), bernoulli_group(model.hidden_units),
                          names=("visible", "hidden"))
    return anneal_both_sides(bipartite, base_visible, base_hidden, num_runs, betas, seed, side, verbose)


def summarize_log_weights(log_weights, log_z_base, num_betas):
    """log Z and its 3-sigma interval from the AIS runs' importance log-weights.

    Z = Z_base * mean(w): the mean is taken after shifting by the largest
    log-weight so that no weight overflows; the interval is the mean's
    +-3 standard errors (its low end is -inf when it reaches 0).

    Args:
        log_weights: one log importance weight per AIS run (tensor or NumPy).
        log_z_base: log partition function of the base-rate model.
        num_betas: length of the inverse-temperature schedule (recorded).

    Returns:
        A dict: `log_z`, `log_z_lower`, `log_z_upper`, `log_weights_std`,
        `effective_sample_size`, `log_z_base`, `num_runs`, `num_betas`.

    Example:

    >>> result = summarize_log_weights(np.zeros(4), 1.5, 10)
    >>> result["log_z"], result["effective_sample_size"]
    (1.5, 4.0)
    """
    log_weights = ops.convert_to_numpy(log_weights).astype("float64")
    num_runs = len(log_weights)
    top = log_weights.max()
    weights = np.exp(log_weights - top)
    mean, standard_error = weights.mean(), weights.std() / math.sqrt(num_runs)
    lower = mean - 3.0 * standard_error
    return {
        "log_z": float(log_z_base + top + math.log(mean)),
        "log_z_lower": float(log_z_base + top + math.log(lower)) if lower > 0 else float("-inf"),
        "log_z_upper": float(log_z_base + top + math.log(mean + 3.0 * standard_error)),
        "log_weights_std": float(log_weights.std()),
        "effective_sample_size": float(weights.sum() ** 2 / (weights**2).sum()),
        "log_z_base": float(log_z_base),
        "num_runs": num_runs,
        "num_betas": int(num_betas),
    }


def ais_log_likelihood(model, x, data=None, num_runs=100, betas=14500, seed=0, verbose=0, side="both"):
    """Average log-likelihood of `x` (nats per row): mean(-F(x)) - AIS log Z.

    For a `ClassificationRBM` the label is summed out: `log p(x) = log
    sum_y exp(-F(x, y)) - log Z`.

    Args:
        model: a built Bernoulli-visible `RBM` or `ClassificationRBM`.
        x: test data (n, data units), binary for a true likelihood.
        data: training data for the AIS base-rate model.
        num_runs, betas, seed, verbose, side: AIS settings (see `ais_log_partition`).

    Returns:
        The `ais_log_partition` dict plus `log_likelihood` and its bounds
        `log_likelihood_lower` / `log_likelihood_upper` (from log Z's).

    Example:

    >>> import numpy as np
    >>> from keras_gen.models import RBM
    >>> rbm = RBM(4, seed=0); rbm.build((None, 6))
    >>> x = np.ones((5, 6), "float32")
    >>> result = ais_log_likelihood(rbm, x, num_runs=10, betas=50)
    >>> result["log_likelihood"] < 0
    True
    """
    _check_model(model, bernoulli_only=True)
    x = model._visible_input("x", x, numpy=True, data=True)
    result = ais_log_partition(model, data=data, num_runs=num_runs, betas=betas, seed=seed,
                               verbose=verbose, side=side)
    unnormalized = float(np.mean(unnormalized_log_probability(model, x)))
    result["log_likelihood"] = unnormalized - result["log_z"]
    result["log_likelihood_lower"] = unnormalized - result["log_z_upper"]
    result["log_likelihood_upper"] = unnormalized - result["log_z_lower"]
    return result


def unnormalized_log_probability(model, x):
    """log p*(x) = -F(x) per row; a `ClassificationRBM`'s label summed out (float64 NumPy).

    Example:

    >>> from keras_gen.models import RBM
    >>> rbm = RBM(2, kernel_initializer="zeros"); rbm.build((None, 3))
    >>> unnormalized_log_probability(rbm, np.ones((1, 3), "float32")).round(4)
    array([1.3863])
    """
    if _label_units(model):
        energies = ops.convert_to_numpy(model.class_free_energies(ops.convert_to_tensor(x))).astype("float64")
        top = (-energies).max(axis=1, keepdims=True)
        return top[:, 0] + np.log(np.exp(-energies - top).sum(axis=1))
    return -ops.convert_to_numpy(model.free_energy(ops.convert_to_tensor(x))).astype("float64")


def exact_log_partition(model, chunk=4096):
    """Exact log Z of a small RBM by summing over all hidden configurations.

    Bernoulli visible units are summed out analytically (softplus), a
    `ClassificationRBM`'s label group too (log-sum-exp), and Gaussian ones
    integrated out, so the cost is 2^hidden_units rows.

    Args:
        model: a built `RBM` or `ClassificationRBM` with at most 20 hidden units.
        chunk: hidden configurations per batch.

    Returns:
        log Z as a Python float.

    Example:

    >>> from keras_gen.models import RBM
    >>> rbm = RBM(3, kernel_initializer="zeros"); rbm.build((None, 4))
    >>> round(exact_log_partition(rbm), 6) == round(7 * math.log(2.0), 6)
    True
    """
    _check_model(model, bernoulli_only=False)
    hidden = model.hidden_units
    if hidden > MAX_EXACT_HIDDEN_UNITS:
        raise ValueError(
            f"Expected `model` with at most {MAX_EXACT_HIDDEN_UNITS} hidden units for exact "
            f"enumeration. Received: model with hidden_units={hidden}"
        )
    kernel = ops.convert_to_numpy(model.kernel).astype("float64")
    visible_bias = ops.convert_to_numpy(model.visible_bias).astype("float64")
    hidden_bias = ops.convert_to_numpy(model.hidden_bias).astype("float64")
    terms = []
    for start in range(0, 2**hidden, chunk):
        codes = np.arange(start, min(start + chunk, 2**hidden))
        h = ((codes[:, None] >> np.arange(hidden)) & 1).astype("float64")
        visible_input = h @ kernel.T + visible_bias
        labels = _label_units(model)
        if labels:
            data_input, label_input = visible_input[:, :-labels], visible_input[:, -labels:]
            visible_term = np.logaddexp(0.0, data_input).sum(axis=1) + np.logaddexp.reduce(label_input, axis=1)
        elif model.visible_type == "bernoulli":
            visible_term = np.logaddexp(0.0, visible_input).sum(axis=1)
        else:
            visible_term = 0.5 * (visible_input**2).sum(axis=1) - 0.5 * (visible_bias**2).sum()
            visible_term += 0.5 * len(visible_bias) * math.log(2.0 * math.pi)
        terms.append(h @ hidden_bias + visible_term)
    terms = np.concatenate(terms)
    top = terms.max()
    return float(top + np.log(np.exp(terms - top).sum()))
