"""Stops GAN training that diverged and restores the last good weights."""

import math

import keras

from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int

__all__ = ["DivergenceGuard"]


class DivergenceGuard(keras.callbacks.Callback):
    """Stops `fit` when a loss is NaN/Inf or the discriminator loss is pinned
    at 0, and restores the weights of the last good epoch.

    A discriminator loss of (nearly) 0 for `patience` batches in a row means
    the discriminator wins outright and the generator gets no useful
    gradient: training has failed. For `wasserstein_gp`, whose critic loss
    has no floor, only NaN/Inf is checked. The reason is kept in `reason`,
    printed, and training stops with `model.stop_training = True`.

    Args:
        monitor: the discriminator loss log key.
        min_loss: a discriminator loss at or below this counts as pinned at 0.
        patience: batches in a row the loss must stay pinned.
        restore: restore the weights (model and optimizers) saved at the end
            of the last good epoch (or at the start).
        verbose: print the reason when stopping.

    Returns:
        A `keras.callbacks.Callback`; `stopped`, `reason` after `fit`.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> before = model.get_weights()[0]
    >>> x, y = np.ones((8, 2), "float32"), np.full((8, 1), np.nan, "float32")
    >>> guard = DivergenceGuard(verbose=0)
    >>> history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[guard])
    >>> guard.stopped, len(history.history["loss"])
    (True, 1)
    >>> guard.reason
    'Training diverged: loss became nan at batch 0. Restored the weights of the last good epoch.'
    >>> bool(np.array_equal(model.get_weights()[0], before))
    True

    Reference: the failure modes of Salimans et al., "Improved Techniques for
    Training GANs", NeurIPS 2016.
    """

    def __init__(self, monitor="d_loss", min_loss=1e-4, patience=20, restore=True, verbose=1):
        super().__init__()
        self.monitor = monitor
        self.min_loss = check_non_negative("min_loss", min_loss)
        self.patience = check_positive_int("patience", patience)
        self.restore = bool(restore)
        self.verbose = verbose
        self.stopped = False
        self.reason = None
        self._good = None
        self._pinned = 0

    def _state(self):
        variables = list(self.model.weights)
        if self.model.optimizer is not None:
            variables += list(self.model.optimizer.variables)
        return variables

    def _save_good(self):
        self._good = [keras.ops.convert_to_numpy(v) for v in self._state()]

    def on_train_begin(self, logs=None):
        self.stopped, self.reason, self._pinned = False, None, 0
        self._save_good()

    def on_epoch_end(self, epoch, logs=None):
        if not self.stopped:
            self._save_good()

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        for key, value in logs.items():
            if not math.isfinite(float(value)):
                return self._stop(f"{key} became {float(value)} at batch {batch}")
        if self.monitor not in logs or not getattr(
            getattr(self.model, "adversarial_loss", None), "bounded_below_by_zero", True
        ):
            return None
        if float(logs[self.monitor]) <= self.min_loss:
            self._pinned += 1
            if self._pinned >= self.patience:
                return self._stop(
                    f"{self.monitor} stayed at or below {self.min_loss:g} for "
                    f"{self.patience} batches (the discriminator wins outright)"
                )
        else:
            self._pinned = 0
        return None

    def _stop(self, reason):
        self.stopped = True
        self.reason = f"Training diverged: {reason}."
        if self.restore and self._good is not None:
            if hasattr(self.model, "jax_state_sync"):
                self.model.jax_state_sync()
            for variable, value in zip(self._state(), self._good):
                variable.assign(value)
            self.reason += " Restored the weights of the last good epoch."
        self.model.stop_training = True
        if self.verbose:
            print(f"\nDivergenceGuard: {self.reason}")
