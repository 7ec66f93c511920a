"""The contrastive-divergence update from statistics the step computes anyway."""

from keras import ops

__all__ = ["cd_update_term"]


def cd_update_term(rbm, v_data, h_data, v_negative, h_negative):
    """A zero whose gradient is the CD update of `rbm.kernel` and both biases.

    For an energy `E(v, h) = -v W h - b.v - c.h` (Bernoulli or unit-variance
    Gaussian visible units alike) the gradient of the free-energy gap
    `mean F(v_data) - mean F(v_negative)` is `-(<v h>_data - <v h>_model)`
    for `W`, `-(<v> - <v>)` for `b` and `-(<h> - <h>)` for `c`. Autodiff
    of the gap repeats the forward pass (the hidden pre-activations, a
    softplus and its derivative) and takes the two weight statistics as two
    matmuls. Here they come from the hidden probabilities the step already
    drew its samples from, the two weight statistics as one matmul over the
    stacked batch (`[v; v-] ^T [p; -p-]`), the bias terms as sums; the
    term's own value is 0, so `loss + term` reports the gap unchanged.

    Args:
        rbm: the `RBM` whose `kernel`, `visible_bias`, `hidden_bias` get the
            gradient.
        v_data, h_data: the data batch and p(h = 1 | v_data).
        v_negative, h_negative: the end of the negative chain and
            p(h = 1 | v_negative); one row per chain (as many as the batch
            for CD, `persistent_chains` for PCD).

    Returns:
        A scalar tensor equal to 0 with the CD update as its gradient.

    Example:

    >>> import keras
    >>> from keras_gen.models.rbm import RBM
    >>> rbm = RBM(3, seed=0); rbm.build((None, 4))
    >>> v = keras.ops.ones((2, 4)); h = keras.ops.ones((2, 3)) / 2
    >>> float(cd_update_term(rbm, v, h, v, h))
    0.0

    Reference:
        Hinton, "Training products of experts by minimizing contrastive
        divergence", Neural Computation 2002 (eq. 5); Hinton, "A practical
        guide to training restricted Boltzmann machines", UTML TR 2010-003.
    """
    v_data, h_data, v_negative, h_negative = (
        ops.stop_gradient(t) for t in (v_data, h_data, v_negative, h_negative))
    data_rows = ops.cast(ops.shape(v_data)[0], "float32")
    negative_rows = ops.cast(ops.shape(v_negative)[0], "float32")
    # Each phase is a mean over its own rows (CD: the same count; PCD: chains).
    rows = ops.concatenate([v_data, v_negative], axis=0)
    signed = ops.concatenate([h_data / data_rows, -h_negative / negative_rows], axis=0)
    kernel_gradient = -ops.matmul(ops.transpose(rows), signed)
    visible_gradient = ops.sum(v_negative, axis=0) / negative_rows - ops.sum(v_data, axis=0) / data_rows
    hidden_gradient = ops.sum(h_negative, axis=0) / negative_rows - ops.sum(h_data, axis=0) / data_rows

    @ops.custom_gradient
    def term(kernel, visible_bias, hidden_bias):
        def gradient(*args, upstream=None):
            if upstream is None:  # TensorFlow and JAX pass it positionally
                (upstream,) = args
            return upstream * kernel_gradient, upstream * visible_gradient, upstream * hidden_gradient

        return ops.zeros((), dtype="float32"), gradient

    return term(rbm.kernel.value, rbm.visible_bias.value, rbm.hidden_bias.value)
