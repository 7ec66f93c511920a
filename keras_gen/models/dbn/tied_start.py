"""A DBN's tied start: a fresh upper RBM begins as the layer below upside down
(Hinton, Osindero & Teh 2006, section 4), so the DBN begins as that RBM."""

import numpy as np
from keras import ops

__all__ = ["UPPER_INITS", "check_tieable", "is_fresh", "tie"]

UPPER_INITS = ("random", "tied")
# Weights of a tied layer's hidden units beyond the layer below's inputs,
# relative to the layer's own initializer: small enough that they barely move
# the marginal the tied part reproduces, non-zero so the units can differ.
EXTRA_UNITS_SCALE = 0.1


def is_fresh(rbm):
    """An RBM nobody has trained yet: both bias vectors still at their zero start."""
    return not (np.any(ops.convert_to_numpy(rbm.visible_bias)) or np.any(ops.convert_to_numpy(rbm.hidden_bias)))


def check_tieable(rbms, index):
    """Raises `ValueError` unless `rbms[index]` can start as `rbms[index - 1]` upside down."""
    below, above = rbms[index - 1], rbms[index]
    if below.visible_type != "bernoulli":
        raise ValueError(
            "Expected Bernoulli visible units below a tied layer (`upper_init='tied'`): only then is "
            f"the layer below's marginal an RBM. Received: layer {index - 1} with "
            f"visible_type={below.visible_type!r} ({type(below).__name__})")
    if above.hidden_units < below.visible_units:
        raise ValueError(
            f"Expected layer {index} to have at least {below.visible_units} hidden units (the inputs "
            f"of layer {index - 1}) to start tied (`upper_init='tied'`). Received: "
            f"layers with sizes {[rbm.hidden_units for rbm in rbms]}")


def tie(below, above):
    """Starts `above` as `below` upside down: its marginal over its data units is then
    the marginal of `below` over its hidden units (the extra units, with tiny
    weights, only tilt it slightly)."""
    inputs, units = below.visible_units, below.hidden_units
    kernel = ops.convert_to_numpy(above.kernel) * EXTRA_UNITS_SCALE
    kernel[:units, :inputs] = ops.convert_to_numpy(below.kernel).T
    hidden_bias = np.zeros(above.hidden_units, "float32")
    hidden_bias[:inputs] = ops.convert_to_numpy(below.visible_bias)
    visible_bias = ops.convert_to_numpy(above.visible_bias).copy()
    visible_bias[:units] = ops.convert_to_numpy(below.hidden_bias)
    above.kernel.assign(kernel)
    above.hidden_bias.assign(hidden_bias)
    above.visible_bias.assign(visible_bias)
