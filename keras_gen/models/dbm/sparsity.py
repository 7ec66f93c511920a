"""Sparsity targets for a DBM's hidden layers (Lee et al. 2008; as in MGL's MNIST DBM)."""

from keras import ops

from keras_gen.utils import check_probability


def check_sparsity_targets(targets):
    """`None`, or the pair of target mean activations `(h1, h2)` as floats in (0, 1)."""
    if targets is None:
        return None
    if not isinstance(targets, (list, tuple)) or len(targets) != 2:
        raise ValueError("Expected `sparsity_targets` to be None or two target mean activations (h1, h2) in (0, 1). "
                         f"Received: sparsity_targets={targets!r}")
    return tuple(float(check_probability("sparsity_targets", target, allow_zero=False, allow_one=False))
                 for target in targets)


def sparsity_penalty(dbm, v, mu1, mu2):
    """A loss term whose gradient pulls each hidden unit's mean activity on the data toward its target.

    For hidden unit j with batch-mean mean-field activity `q_j` and target
    `p_j`, the gradient on every weight into j is `cost * (q_j - p_j) *
    mean(x_i)` for its neighbour `x_i` (1 for the bias): the penalty's
    derivative with respect to the unit's total input, spread over what feeds
    it, as Hinton's practical guide describes and MGL's
    `cheating-sparsity-gradient-source` computes (MGL also damps `q_j` over
    batches; a batch of 100 already averages it). Label units are not
    pushed. `v`, `mu1` and `mu2` are the data and their mean-field marginals,
    without gradient.
    """
    target_1, target_2 = dbm.sparsity_targets
    # The excesses are constants; the penalty is linear in the weights, so its
    # gradient is exactly cost * excess times the batch-mean neighbour.
    excess_1 = ops.stop_gradient(ops.mean(mu1, axis=0) - target_1)
    excess_2 = ops.stop_gradient(ops.mean(mu2, axis=0) - target_2)
    input_1 = ops.matmul(v, dbm.kernel_1) + ops.matmul(mu2, ops.transpose(dbm.kernel_2)) + dbm.hidden_bias_1
    input_2 = ops.matmul(mu1, dbm.kernel_2) + dbm.hidden_bias_2
    return dbm.sparsity_cost * ops.mean(ops.sum(input_1 * excess_1, axis=-1) + ops.sum(input_2 * excess_2, axis=-1))
