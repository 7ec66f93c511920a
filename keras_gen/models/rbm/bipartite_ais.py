"""AIS for any model whose units split into two groups, each independent given the other.

An RBM is one (visible | hidden); so is a two-layer DBM (h1 | v and h2).
Annealing can run its chains over either group while the other is summed
out analytically, and the two can disagree wildly: on a 500-2000 top RBM
of a DBN, chains over the 500 units stayed on the wrong side of a phase
transition as the temperature fell (log Z 715, where single states already
have log p* 894), while chains over the 2000 units converged to 927.7 from
1,000 to 14,500 temperatures. `anneal_both_sides` runs both and keeps the
larger estimate: a run that misses mass can only underestimate, and an
unbiased estimate of Z exceeds the true value by a factor e^t with
probability at most e^-t.
"""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.utils import check_in

__all__ = ["Bipartite", "Group", "bernoulli_group", "softmax_group", "joined_group", "anneal", "anneal_both_sides",
           "base_rate_bias", "data_activity"]


class Group:
    """A group of units that are independent given the other group.

    Args:
        units: number of units.
        sample: `sample(preactivation, stream)` draws the group given its
            total input (a `RandomStream` supplies the randomness).
        log_sum: `log_sum(preactivation)`: `log sum_s exp(s . preactivation)`
            over the group's states, one value per row.

    Returns:
        The group description.

    Example:

    >>> group = bernoulli_group(3)
    >>> round(float(group.log_sum(np.zeros((1, 3), "float32"))[0]), 4)  # 3 log 2
    2.0794
    """

    def __init__(self, units, sample, log_sum):
        self.units, self.sample, self.log_sum = int(units), sample, log_sum


def bernoulli_group(units):
    """A group of independent binary units.

    Example:

    >>> bernoulli_group(4).units
    4
    """
    return Group(units, lambda preactivation, stream: stream.bernoulli(ops.sigmoid(preactivation)),
                 lambda preactivation: ops.sum(ops.softplus(preactivation), axis=-1))


def softmax_group(units):
    """One categorical variable as `units` one-hot units (label units).

    Example:

    >>> round(float(softmax_group(4).log_sum(np.zeros((1, 4), "float32"))[0]), 4)  # log 4
    1.3863
    """

    def sample(preactivation, stream):
        # Gumbel-max: a categorical draw from the stream's uniforms.
        gumbel = -ops.log(-ops.log(stream.uniform(ops.shape(preactivation)) + 1e-20) + 1e-20)
        return ops.one_hot(ops.argmax(preactivation + gumbel, axis=-1), units)

    return Group(units, sample, lambda preactivation: ops.logsumexp(preactivation, axis=-1))


def joined_group(first, second):
    """Two groups side by side as one (their units independent given the other side).

    Example:

    >>> joined = joined_group(bernoulli_group(3), softmax_group(4))
    >>> joined.units, round(float(joined.log_sum(np.zeros((1, 7), "float32"))[0]), 4)  # log 8 + log 4
    (7, 3.4657)
    """
    cut = first.units

    def sample(preactivation, stream):
        return ops.concatenate([first.sample(preactivation[:, :cut], stream),
                                second.sample(preactivation[:, cut:], stream)], axis=-1)

    return Group(first.units + second.units, sample,
                 lambda preactivation: first.log_sum(preactivation[:, :cut]) + second.log_sum(preactivation[:, cut:]))


class Bipartite:
    """`log p*(a, b) = a . bias_a + b . bias_b + a K b` over groups `a` and `b`.

    Args:
        kernel: `K`, `(units of a, units of b)`.
        bias_a, bias_b: the groups' biases.
        group_a, group_b: `Group`s (how each is drawn and summed out).
        names: what to call annealing over `a` and over `b` in results.

    Returns:
        The model description.

    Example:

    >>> model = Bipartite(np.zeros((2, 3), "float32"), np.zeros(2, "float32"),
    ...                   np.zeros(3, "float32"), bernoulli_group(2), bernoulli_group(3))
    >>> model.swapped().group_a.units
    3
    """

    def __init__(self, kernel, bias_a, bias_b, group_a, group_b, names=("a", "b")):
        self.kernel, self.bias_a, self.bias_b = kernel, bias_a, bias_b
        self.group_a, self.group_b, self.names = group_a, group_b, tuple(names)

    def swapped(self):
        """The same model with the groups' roles exchanged."""
        return Bipartite(ops.transpose(self.kernel), self.bias_b, self.bias_a, self.group_b,
                         self.group_a, self.names[::-1])


def base_rate_bias(probabilities):
    """Log-odds of the mean of `probabilities` (rows of unit activities), smoothed by one
    pseudo-count each way so that no bias is infinite.

    Example:

    >>> [round(float(b), 3) for b in base_rate_bias(np.array([[1.0, 0.0], [1.0, 0.0]]))]
    [1.099, -1.099]
    """
    probabilities = np.asarray(probabilities, "float64")
    mean = (probabilities.sum(axis=0) + 1.0) / (len(probabilities) + 2.0)
    return np.log(mean / (1.0 - mean)).astype("float32")


def data_activity(activity, data, rows=10000, chunk=4096):
    """`activity(tensor)` on up to `rows` evenly spaced rows of `data`, in chunks (a NumPy array).

    Example:

    >>> data_activity(lambda x: x * 2.0, np.ones((5, 2), "float32"), rows=2).shape  # every 2nd row
    (3, 2)
    """
    sample = data[:: max(1, len(data) // rows)]
    return np.concatenate([ops.convert_to_numpy(activity(ops.convert_to_tensor(part)))
                           for part in np.array_split(sample, max(1, len(sample) // chunk))])


def _chains(model, base, betas, seed_state, generator, a, log_weights, start, stop):
    """Advances the runs (rows of `a`) through temperatures `start` to `stop - 1`, `b` summed out.

    `p_beta(a) ~ exp((1 - beta) a . base + beta a . bias_a) sum_b exp(beta (a K + bias_b) . b)`;
    each temperature adds `log p*_beta(a) - log p*_beta_old(a)` to the run's
    log weight, then takes one Gibbs sweep (b given a, a given b) that leaves
    `p_beta` invariant.
    """

    def body(k, carry):
        a, log_weights, state = carry
        stream = RandomStream(generator, state)
        beta_old, beta = ops.take(betas, k - 1), ops.take(betas, k)
        preactivation = ops.matmul(a, model.kernel) + model.bias_b
        linear = ops.matmul(a, (model.bias_a - base)[:, None])[:, 0]
        summed = model.group_b.log_sum(beta * preactivation) - model.group_b.log_sum(beta_old * preactivation)
        log_weights = log_weights + (beta - beta_old) * linear + summed
        b = model.group_b.sample(beta * preactivation, stream)
        a_input = (1.0 - beta) * base + beta * (ops.matmul(b, ops.transpose(model.kernel)) + model.bias_a)
        return model.group_a.sample(a_input, stream), log_weights, stream.state

    return ops.fori_loop(start, stop, body, (a, log_weights, seed_state))


def anneal(model, base, num_runs, betas, seed, verbose=0):
    """AIS over group `a` of `model` (group `b` summed out), from the base model `base`.

    The base model has zero weights, group `a` with biases `base` and group
    `b` uniform; the whole schedule runs as one compiled
    `keras.ops.fori_loop` (in 50 pieces with a progress bar when `verbose`).

    Args:
        model: a `Bipartite` with tensor (or NumPy) parameters.
        base: float32 biases of the base model's group `a`.
        num_runs: AIS runs (checked by the caller).
        betas: float64 schedule from 0 to 1 (checked by the caller).
        seed: int seed of the runs.
        verbose: 1 shows a progress bar.

    Returns:
        `(log_weights, log_z_base)`: the runs' log importance weights (a
        tensor) and the base model's log partition function.

    Example:

    >>> model = Bipartite(np.zeros((2, 3), "float32"), np.zeros(2, "float32"),
    ...                   np.zeros(3, "float32"), bernoulli_group(2), bernoulli_group(3))
    >>> weights, log_z_base = anneal(model, np.zeros(2, "float32"), 4, np.linspace(0, 1, 5), 0)
    >>> np.allclose(keras.ops.convert_to_numpy(weights), 0.0), round(log_z_base, 4)
    (True, 3.4657)
    """
    from keras_gen.trainers import compile_function

    generator = keras.random.SeedGenerator(seed)
    stream = RandomStream(generator)
    base = ops.convert_to_tensor(base, "float32")
    a0 = model.group_a.sample(ops.broadcast_to(base, (num_runs, model.group_a.units)), stream)

    def run(kernel, bias_a, bias_b, base, schedule, state, a, log_weights, start, stop):
        tensors = Bipartite(kernel, bias_a, bias_b, model.group_a, model.group_b)
        return _chains(tensors, base, schedule, state, generator, a, log_weights, start, stop)

    # jit_compile=False: TensorFlow's XLA CPU matmuls were far slower than its
    # graph mode on this loop; JAX compiles with XLA regardless.
    step = compile_function(run, jit_compile=False)
    constants = tuple(ops.convert_to_tensor(p, "float32") for p in (model.kernel, model.bias_a, model.bias_b))
    constants += (base, ops.convert_to_tensor(betas, "float32"))
    pieces = min(50, len(betas) - 1) if verbose else 1
    bounds = np.linspace(1, len(betas), pieces + 1).round().astype("int32")
    progress = keras.utils.Progbar(len(betas) - 1, unit_name="temperature") if verbose else None
    a, log_weights, state = a0, ops.zeros((num_runs,)), stream.state
    for start, stop in zip(bounds[:-1], bounds[1:]):
        a, log_weights, state = step(*constants, state, a, log_weights,
                                     ops.convert_to_tensor(start), ops.convert_to_tensor(stop))
        if progress is not None:
            progress.add(int(stop - start))
    log_z_base = (model.group_a.log_sum(base[None, :]) +
                  model.group_b.log_sum(ops.zeros((1, model.group_b.units))))
    return log_weights, float(ops.convert_to_numpy(log_z_base)[0])


def anneal_both_sides(model, base_a, base_b, num_runs, betas, seed, side="both", verbose=0):
    """log Z of `model` by AIS over group `a`, group `b` or both (the larger estimate kept).

    Args:
        model: a `Bipartite`; `model.names` name the two ways in `side` and
            in the result.
        base_a, base_b: base-model biases of each group (for annealing over it).
        num_runs, betas, seed: checked AIS settings (`betas` a float64 schedule).
        side: `model.names[0]`, `model.names[1]` or "both".
        verbose: 1 shows progress bars.

    Returns:
        The `summarize_log_weights` dict of the kept estimate, plus `side`
        (the way it came from) and `log_z_by_side` (every estimate made).

    Example:

    >>> model = Bipartite(np.full((2, 3), 0.5, "float32"), np.zeros(2, "float32"),
    ...                   np.zeros(3, "float32"), bernoulli_group(2), bernoulli_group(3),
    ...                   names=("left", "right"))
    >>> result = anneal_both_sides(model, np.zeros(2, "float32"), np.zeros(3, "float32"),
    ...                            num_runs=20, betas=np.linspace(0, 1, 200), seed=0)
    >>> sorted(result["log_z_by_side"]), result["side"] in ("left", "right")
    (['left', 'right'], True)
    """
    from keras_gen.models.rbm.ais import summarize_log_weights

    check_in("side", side, model.names + ("both",))
    ways = {model.names[0]: (model, base_a), model.names[1]: (model.swapped(), base_b)}
    results = {}
    for offset, (name, (oriented, base)) in enumerate(ways.items()):
        if side in (name, "both"):
            log_weights, log_z_base = anneal(oriented, base, num_runs, betas, seed + offset, verbose)
            results[name] = summarize_log_weights(log_weights, log_z_base, len(betas))
    kept = max(results, key=lambda name: results[name]["log_z"])
    return results[kept] | {"side": kept, "log_z_by_side": {name: r["log_z"] for name, r in results.items()}}
