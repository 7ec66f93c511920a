"""The recipe that makes an RBM a good density model: data log-odds visible
biases, a linearly decaying learning rate and an average of the weights."""

import keras
import numpy as np
from keras import ops

from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["generative_optimizer", "initialize_visible_bias"]


def generative_optimizer(learning_rate, decay_steps, momentum=0.5, weight_average=0.999,
                         final_fraction=0.02, weight_decay=0.0):
    """SGD for PCD training: learning rate decayed linearly, weights averaged.

    Persistent chains need a learning rate that falls (Tieleman 2008;
    Salakhutdinov & Hinton 2009 anneal theirs) and give a better density
    model when it is evaluated at an average of the recent weights (iterate
    averaging, Swersky et al. 2010): with `weight_average > 0` Keras keeps an
    exponential moving average and `fit` ends by copying it into the model.

    Args:
        learning_rate: initial learning rate, > 0.
        decay_steps: optimizer steps over which it falls linearly (the
            training's total: epochs x batches per epoch), >= 1.
        momentum: SGD momentum in [0, 1).
        weight_average: momentum of the weights' moving average in [0, 1);
            0 turns averaging off.
        final_fraction: learning rate at `decay_steps` as a fraction of the
            initial one, in [0, 1].
        weight_decay: decoupled weight decay of the kernels (biases are
            excluded), >= 0.

    Returns:
        A `keras.optimizers.SGD`.

    Example:

    >>> optimizer = generative_optimizer(0.05, decay_steps=1000)
    >>> round(float(optimizer.learning_rate), 4)
    0.05
    >>> optimizer.use_ema, optimizer.ema_momentum
    (True, 0.999)
    """
    learning_rate = check_non_negative("learning_rate", learning_rate)
    if learning_rate <= 0:
        raise ValueError(f"Expected `learning_rate` to be > 0. Received: learning_rate={learning_rate}")
    decay_steps = check_positive_int("decay_steps", decay_steps)
    momentum = check_probability("momentum", momentum, allow_one=False)
    weight_average = check_probability("weight_average", weight_average, allow_one=False)
    final_fraction = check_probability("final_fraction", final_fraction)
    weight_decay = check_non_negative("weight_decay", weight_decay)
    schedule = keras.optimizers.schedules.PolynomialDecay(
        learning_rate, decay_steps, end_learning_rate=learning_rate * final_fraction)
    optimizer = keras.optimizers.SGD(
        schedule, momentum=momentum, weight_decay=weight_decay or None,
        use_ema=weight_average > 0, ema_momentum=weight_average or 0.99)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    return optimizer


def initialize_visible_bias(rbm, x):
    """Sets a Bernoulli RBM's visible biases to the log-odds of the data's means.

    With zero weights the model then reproduces the data's marginals
    (Hinton 2010, section 8.1), which spares the first epochs from learning
    them and keeps the persistent chains near the data from the start. A
    `ClassificationRBM`'s label biases get the log class frequencies.

    Args:
        rbm: a Bernoulli-visible `RBM` or `ClassificationRBM` (built here if
            it is not).
        x: training data (n, data units) in [0, 1]; for a
            `ClassificationRBM` a pair `(x, labels)` of integer labels.

    Returns:
        The biases set, a float32 NumPy array.

    Example:

    >>> from keras_gen.models.rbm import RBM
    >>> rbm = RBM(4, seed=0)
    >>> bias = initialize_visible_bias(rbm, np.array([[1, 0, 1], [0, 0, 1], [1, 0, 1], [1, 0, 1]]))
    >>> np.round(bias, 2)
    array([ 1.1 , -6.91,  6.91], dtype=float32)

    Reference:
        Hinton, "A practical guide to training restricted Boltzmann
        machines", UTML TR 2010-003.
    """
    labels = None
    if getattr(rbm, "num_classes", None) is not None:
        if not isinstance(x, (tuple, list)) or len(x) != 2:
            raise ValueError("Expected `x` to be a pair (data, labels) for a ClassificationRBM. "
                             f"Received: x of type {type(x).__name__}")
        x, labels = x
    if getattr(rbm, "visible_type", None) != "bernoulli":
        raise ValueError("Expected `rbm` to have Bernoulli visible units. "
                         f"Received: rbm with visible_type={getattr(rbm, 'visible_type', None)!r}")
    x = rbm._visible_input("x", x, numpy=True, data=True)
    if not rbm.built:
        rbm.build((None, x.shape[1]))
    mean = np.clip(x.mean(axis=0, dtype="float64"), 1e-3, 1.0 - 1e-3)
    bias = np.log(mean / (1.0 - mean))
    if labels is not None:
        one_hot = rbm._labels("labels", labels, len(x))
        frequency = np.clip(one_hot.mean(axis=0, dtype="float64"), 1e-3, None)
        bias = np.concatenate([bias, np.log(frequency / frequency.sum())])
    bias = bias.astype("float32")
    rbm.visible_bias.assign(ops.convert_to_tensor(bias))
    return bias
