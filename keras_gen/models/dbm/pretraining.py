"""Greedy pretraining of a two-layer DBM with the doubling trick."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.classification_rbm import ClassificationRBM
from keras_gen.models.rbm.generative_training import generative_optimizer
from keras_gen.models.rbm.generative_training import initialize_visible_bias
from keras_gen.models.rbm.rbm import RBM
from keras_gen.utils import check_positive_int

__all__ = ["pretrain_layers"]


class _ScaledRBM(RBM):
    """Pretraining RBM whose up (or down) pass counts the input twice.

    The bottom RBM of a DBM sees its visible units doubled (`2 v W`) and the
    top one its hidden units doubled (`2 h W^T` down): in the DBM each
    hidden layer gets input from both neighbours, which the doubling stands
    in for during greedy pretraining.
    """

    tracks_pseudo_likelihood = False

    def __init__(self, hidden_units, up_scale=1.0, down_scale=1.0, **kwargs):
        super().__init__(hidden_units, **kwargs)
        self.up_scale, self.down_scale = up_scale, down_scale

    def hidden_preactivation(self, v):
        return self.up_scale * ops.matmul(v, self.kernel) + self.hidden_bias

    def visible_preactivation(self, h):
        return self.down_scale * ops.matmul(h, ops.transpose(self.kernel)) + self.visible_bias


class _ScaledClassificationRBM(ClassificationRBM):
    """Top pretraining RBM of a DBM with label units: visible `[h1, one_hot(y)]`.

    Going down, `h2` counts twice towards `h1` (which has `v` as a second
    neighbour in the DBM) and once towards the labels (whose only
    neighbour is `h2`).
    """

    def visible_preactivation(self, h):
        down = ops.matmul(h, ops.transpose(self.kernel))
        return ops.concatenate([2.0 * down[:, : self.data_units], down[:, self.data_units :]], axis=-1) + (
            self.visible_bias)


def _pair(name, value):
    values = tuple(value) if isinstance(value, (list, tuple)) else (value, value)
    if len(values) != 2:
        raise ValueError(f"Expected `{name}` to be an int or a pair of ints. Received: {name}={value!r}")
    return tuple(check_positive_int(name, v) for v in values)


def pretrain_layers(hidden_units, x, epochs, batch_size=100, optimizer=None, learning_rate=0.05,
                    momentum=0.5, cd_steps=1, seed=None, verbose="auto", callbacks=None, labels=None,
                    num_classes=None, **compile_kwargs):
    """Trains the two RBMs that initialise a DBM (Salakhutdinov & Hinton 2009).

    The bottom RBM (v -> h1) counts `v` twice going up; the top RBM
    (h1 -> h2) counts `h2` twice going down and is trained on the bottom
    one's doubled-input probabilities. Both are trained by CD-k (their up
    and down passes differ, so there is no stationary model for persistent
    chains to follow), from data log-odds visible biases, with a learning
    rate that falls linearly over the epochs unless `optimizer` is given.
    With `labels`, the top RBM is a `ClassificationRBM` over
    `[h1, one_hot(labels)]` (the labels' input from `h2` not doubled: `h2`
    is their only neighbour in the DBM).

    Args:
        hidden_units: `(h1, h2)` sizes.
        x: training data in [0, 1].
        epochs: epochs per RBM: an int or a pair.
        batch_size: mini-batch size.
        optimizer: an optimizer (or config) used, copied, for both RBMs;
            default `generative_optimizer(learning_rate, ...)` without
            weight averaging.
        learning_rate: initial learning rate of the default optimizer.
        momentum: momentum of the default optimizer.
        cd_steps: Gibbs sweeps of CD-k: an int or a pair (the paper raises
            k for the top RBM).
        seed: seed of the bottom RBM (`seed + 1` for the top one).
        verbose: Keras verbosity.
        callbacks: Keras callbacks given to both RBMs' `fit`.
        labels: `None`, or integer class labels of `x` for the top RBM.
        num_classes: number of classes of `labels`.
        **compile_kwargs: `steps_per_execution`, `jit_compile`, ...

    Returns:
        `(bottom, top, histories)`: the two trained RBMs and their `History`s.

    Example:

    >>> x = (np.random.default_rng(0).random((40, 6)) > 0.5).astype("float32")
    >>> bottom, top, _ = pretrain_layers((4, 3), x, epochs=1, batch_size=20, verbose=0)
    >>> tuple(bottom.kernel.shape), tuple(top.kernel.shape)
    ((6, 4), (4, 3))
    """
    epochs, cd_steps = _pair("epochs", epochs), _pair("cd_steps", cd_steps)
    batch_size = check_positive_int("batch_size", batch_size)
    config = None if optimizer is None else keras.optimizers.serialize(keras.optimizers.get(optimizer))
    bottom = _ScaledRBM(hidden_units[0], up_scale=2.0, cd_steps=cd_steps[0], seed=seed, name="pretrain_bottom")
    top_seed = None if seed is None else seed + 1
    if labels is None:
        top = _ScaledRBM(hidden_units[1], down_scale=2.0, cd_steps=cd_steps[1], seed=top_seed, name="pretrain_top")
    else:
        top = _ScaledClassificationRBM(hidden_units[1], num_classes, cd_steps=cd_steps[1], seed=top_seed,
                                       name="pretrain_top")
    histories = []
    data = x
    for rbm, rbm_epochs, y in ((bottom, epochs[0], None), (top, epochs[1], labels)):
        initialize_visible_bias(rbm, data if y is None else (data, y))
        if config is None:
            steps = rbm_epochs * int(np.ceil(len(data) / batch_size))
            layer_optimizer = generative_optimizer(learning_rate, steps, momentum=momentum, weight_average=0.0)
        else:
            layer_optimizer = keras.optimizers.deserialize(config)
        rbm.compile(optimizer=layer_optimizer, **compile_kwargs)
        histories.append(rbm.fit(data, y, batch_size=batch_size, epochs=rbm_epochs, verbose=verbose,
                                 callbacks=callbacks))
        data = rbm.transform(data)
    return bottom, top, histories
