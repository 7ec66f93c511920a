"""The centering trick for a DBM's joint training (Montavon & Müller 2012)."""

from keras import ops

from keras_gen.utils import check_probability


def check_centering(rate):
    """`None` (no centering), or the offsets' sliding rate as a float in (0, 1]."""
    if rate is None:
        return None
    return float(check_probability("centering", rate, allow_zero=False))


def add_offsets(dbm):
    """One non-trainable offset per unit of v, h1, h2 (and the labels), and whether they have started."""
    sizes = [("visible", dbm.data_units), ("hidden_1", dbm.hidden_units[0]), ("hidden_2", dbm.hidden_units[1])]
    if dbm.num_classes:
        sizes.append(("labels", dbm.num_classes))
    dbm.offsets = [dbm.add_weight(shape=(size,), initializer="zeros", trainable=False, name=f"offset_{name}")
                   for name, size in sizes]
    dbm.offsets_started = dbm.add_weight(shape=(), initializer="zeros", trainable=False, name="offsets_started")


def update_offsets(dbm, data_states):
    """Slides each offset toward its layer's mean on the data batch (`v`, `q(h1)`, `q(h2)`, labels).

    The first batch sets them. Moving an offset leaves the model's
    distribution unchanged: the DBM keeps its ordinary parameters, and only
    the direction of the next updates depends on the offsets.
    """
    rate = ops.where(dbm.offsets_started > 0, dbm.centering, 1.0)
    for offset, states in zip(dbm.offsets, data_states):
        offset.assign(offset + rate * (ops.mean(ops.stop_gradient(states), axis=0) - offset))
    dbm.offsets_started.assign(1.0)


def _mean_outer(rows, columns):
    return ops.matmul(ops.transpose(rows), columns) / ops.cast(ops.shape(rows)[0], rows.dtype)


def centering_term(dbm, data_states, model_states):
    """A term linear in the DBM's parameters whose gradient, added to the plain surrogate's, centers the update.

    Centering rewrites the energy with every state `x` replaced by `x - o`
    for an offset `o` near its mean, and follows the likelihood gradient in
    those coordinates: a weight moves by `<(x_i - o_i)(x_j - o_j)>_data -
    <...>_model` instead of `<x_i x_j>_data - <x_i x_j>_model`, and, mapped back
    to the ordinary parameters (`b_i = c_i - sum_j W_ij o_j`), each bias
    also moves by `- sum_j ΔW_ij o_j`. With all offsets at zero the term is
    zero. Montavon & Müller show this keeps the top layer in use where the
    plain update lets it fall silent.

    Args:
        dbm: a built DBM with offsets (`add_offsets`).
        data_states: `(v, q(h1), q(h2), labels or None)`, without gradient.
        model_states: the persistent chains' statistics as the plain
            surrogate uses them: `(v, h1, p(h1), p(h2), labels or None,
            p(labels) or None)`, without gradient.

    Returns:
        A scalar; only its gradient is meant to be used.
    """
    v, mu1, mu2, labels = data_states
    chain_v, chain_h1, p1, p2, chain_l, p_labels = model_states
    offsets = [ops.stop_gradient(offset) for offset in dbm.offsets]
    # (kernel, its row layer, its column layer, data pair, model pair), as in the plain surrogate.
    edges = [(dbm.kernel_1, 0, 1, (v, mu1), (chain_v, p1)), (dbm.kernel_2, 1, 2, (mu1, mu2), (chain_h1, p2))]
    biases = [dbm.visible_bias, dbm.hidden_bias_1, dbm.hidden_bias_2]
    if dbm.num_classes:
        edges.append((dbm.label_kernel, 3, 2, (labels, mu2), (chain_l, p2)))
        biases.append(dbm.label_bias)
    bias_moves = [0.0] * len(biases)
    term = 0.0
    for kernel, i, j, (data_i, data_j), (model_i, model_j) in edges:
        centered = (_mean_outer(data_i - offsets[i], data_j - offsets[j])
                    - _mean_outer(model_i - offsets[i], model_j - offsets[j]))
        plain = _mean_outer(data_i, data_j) - _mean_outer(model_i, model_j)
        term = term + ops.sum(kernel * ops.stop_gradient(centered - plain))
        bias_moves[i] = bias_moves[i] - ops.matmul(centered, offsets[j])
        bias_moves[j] = bias_moves[j] - ops.matmul(offsets[i], centered)
    for bias, move in zip(biases, bias_moves):
        term = term + ops.sum(bias * ops.stop_gradient(move))
    # The surrogate is minimised: its gradient is minus the update.
    return -term
