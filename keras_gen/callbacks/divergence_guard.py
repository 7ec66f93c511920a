"""Stops training that diverged and restores the last good weights and optimizer state."""

import collections
import math

import keras
import numpy as np

from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int

__all__ = ["DivergenceGuard"]

# Logged values that are not losses: their level says nothing about divergence.
_NOT_LOSSES = ("accuracy", "pseudo_likelihood", "gradient_penalty", "penalty", "kl")
# Discriminator outputs beyond this (logits, or least-squares scores) mean a
# saturated discriminator: sigmoid(30) is 1.0 in float32 and no gradient is left.
_SATURATED_OUTPUT = 100.0
# Good values of a loss needed before a jump can be judged: one early value is
# no median (the loss of a small batch varies by 10x and more).
_MIN_HISTORY = 5


def _scalar(value):
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return None
    return float(array) if array.ndim == 0 else None


class DivergenceGuard(keras.callbacks.Callback):
    """Stops `fit` when training diverges and restores the last good state.

    Works with every keras-gen family (single-optimizer models and
    adversarial ones, on TensorFlow, JAX and torch) and counts training
    steps, not callback calls: with `steps_per_execution=N` one call covers
    N steps. Training is judged bad, and stopped, when:

    - a logged value is NaN/Inf, or the trainable weights are;
    - a loss jumps: a value above `median + factor * scale` of its last
      `window` good values (scale: `max(|median|, 1.4826 * MAD)`; judged
      once five values are known). Keras
      logs running means over the epoch; the guard recovers the mean of the
      steps since its last call from them. Losses are the logged keys ending
      in `loss` (`losses="auto"`); for Boltzmann machines, whose `loss` is
      the contrastive-divergence surrogate rather than a loss (they log
      `reconstruction_error`), the reconstruction error is watched instead;
    - the weights run away: every `check_every` steps, their RMS grew by more
      than `max_weight_step * max(previous RMS, 1)` per step;
    - for GANs with a `latent_dim`: the generator's output on fixed noise
      became constant (its spread over the batch fell below 1e-3 of the
      spread at the start), or the discriminator saturated (median |output|
      above 100; not checked for the unbounded `wasserstein_gp` critic);
    - the discriminator loss stayed at or below `min_loss` for `patience`
      steps (the discriminator wins outright).

    Every `snapshot_every` steps of good training the guard copies the
    weights and the optimizer state (all members of an `OptimizerGroup`) to
    host memory; a copy is trusted once the `snapshot_every` steps after it
    were good too. On a stop it restores the last trusted copy (or the state
    at the start of `fit`), sets `model.stop_training`, and describes what
    happened in `reason` and `divergence`. Keep `snapshot_every` above the
    time a blow-up takes to show (a few steps) and expect up to
    `2 * snapshot_every` steps to be undone.

    Args:
        losses: `"auto"` or the log keys to watch for jumps.
        factor: how far above its recent median a loss may go (see above).
        window: good values per loss the median is taken over.
        check_every: steps between weight and generator checks.
        snapshot_every: steps between copies of the training state.
        max_weight_step: largest RMS growth of the weights per step, relative
            to `max(RMS, 1)`.
        monitor: the discriminator loss key of the pinned-loss check.
        min_loss: a discriminator loss at or below this counts as pinned at 0.
        patience: steps in a row the discriminator loss must stay pinned.
        restore: restore the last trusted state when stopping.
        verbose: print the reason when stopping.

    Returns:
        A `keras.callbacks.Callback`. After `fit`: `stopped` and `reason` (of
        the last `fit`), `divergence` (a dict: `reason`, `step` where it was
        seen, `restored_step`, `epoch`), and `divergences`, one such dict per
        stop over every `fit` it was given to (a DBN's layers, for instance).

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
    'Training diverged: loss became nan at step 1. Restored the weights and optimizer state of step 0.'
    >>> bool(np.array_equal(model.get_weights()[0], before))
    True

    Reference: the failure modes of Salimans et al., "Improved Techniques for
    Training GANs", NeurIPS 2016; the loss-spike rollback of Chowdhery et al.,
    "PaLM: Scaling Language Modeling with Pathways", JMLR 2023.
    """

    def __init__(self, losses="auto", factor=10.0, window=20, check_every=10, snapshot_every=50,
                 max_weight_step=0.5, monitor="d_loss", min_loss=1e-4, patience=20, restore=True,
                 verbose=1):
        super().__init__()
        if losses != "auto" and (isinstance(losses, str) or not all(
                isinstance(key, str) for key in losses)):
            raise ValueError(f"Expected `losses` to be 'auto' or a list of log keys. "
                             f"Received: losses={losses!r}")
        self.losses = losses if losses == "auto" else tuple(losses)
        self.factor = check_non_negative("factor", factor)
        self.window = check_positive_int("window", window)
        self.check_every = check_positive_int("check_every", check_every)
        self.snapshot_every = check_positive_int("snapshot_every", snapshot_every)
        self.max_weight_step = check_non_negative("max_weight_step", max_weight_step)
        self.monitor = monitor
        self.min_loss = check_non_negative("min_loss", min_loss)
        self.patience = check_positive_int("patience", patience)
        self.restore = bool(restore)
        self.verbose = verbose
        self.stopped = False
        self.reason = None
        self.divergence = None
        self.divergences = []

    # ------------------------------------------------------------ training state
    def _jax_values(self):
        state = getattr(self.model, "_jax_state", None)
        if not state or getattr(self.model, "_jax_state_synced", True):
            return None
        return state

    def _trainable_values(self):
        state = self._jax_values()
        if state is not None and state.get("trainable_variables") is not None:
            return list(state["trainable_variables"])
        return [variable.value for variable in self.model.trainable_variables]

    def _variables(self):
        variables = list(self.model.trainable_variables) + list(self.model.non_trainable_variables)
        if self.model.optimizer is not None:
            variables += list(self.model.optimizer.variables)
        return variables

    def _sync(self):
        # On JAX the training state lives outside the variables mid-epoch.
        if hasattr(self.model, "jax_state_sync"):
            self.model.jax_state_sync()

    def _snapshot(self):
        self._sync()
        return [np.array(keras.ops.convert_to_numpy(v)) for v in self._variables()]

    def _weight_rms(self):
        total, count = 0.0, 0
        for value in self._trainable_values():
            value = keras.ops.cast(value, "float32")
            total += float(keras.ops.sum(keras.ops.square(value)))
            count += int(np.prod(value.shape))
        return math.sqrt(total / max(count, 1))

    # ------------------------------------------------------------ GAN outputs
    def _gan_spread_and_output(self):
        model = self.model
        if not all(hasattr(model, name) for name in ("generator", "discriminator", "latent_dim")):
            return None
        self._sync()
        noise = self._noise
        if hasattr(model, "num_classes"):
            labels = np.arange(len(noise)) % model.num_classes
            samples = model.generate(noise, labels)
            scores = model.discriminator([samples, labels.astype("int32")], training=False)
        else:
            samples = model.generate(noise)
            scores = model.discriminator(samples, training=False)
        spread = float(np.mean(np.std(samples.reshape(len(samples), -1), axis=0)))
        return spread, float(np.median(np.abs(keras.ops.convert_to_numpy(scores))))

    def _check_gan(self):
        measured = self._gan_spread_and_output()
        if measured is None or self._spread0 is None:
            return None
        spread, output = measured
        if not math.isfinite(spread) or spread < max(1e-3 * self._spread0, 1e-7):
            return (f"the generator's output became constant (spread {spread:.3g} over a batch, "
                    f"{self._spread0:.3g} at the start)")
        loss = getattr(self.model, "adversarial_loss", None)
        if getattr(loss, "bounded_below_by_zero", True) and not output <= _SATURATED_OUTPUT:
            return f"the discriminator saturated (median |output| {output:.3g})"
        return None

    # ------------------------------------------------------------ callback hooks
    def on_train_begin(self, logs=None):
        self.stopped, self.reason, self.divergence = False, None, None
        self._step, self._last_check, self._pinned = 0, 0, 0
        self._history = collections.defaultdict(lambda: collections.deque(maxlen=self.window))
        self._trusted = self._pending = None
        self._noise = np.random.default_rng(0).standard_normal(
            (16, int(getattr(self.model, "latent_dim", 1)))).astype("float32")
        self._spread0 = None
        if self.model.trainable_variables:
            self._start()
        # else: a model built by its first step; its state is copied after that step.

    def _start(self):
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:
            # Built now so that the copy holds every slot (Adam moments included).
            optimizer.build(self.model.trainable_variables)
        self._trusted = (self._step, self._snapshot())
        self._rms = self._weight_rms()
        measured = self._gan_spread_and_output()
        if measured is not None:
            self._spread0 = measured[0]

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._previous_end = -1
        self._previous_means = {}

    def _block_values(self, end, logs):
        """The mean of each log over the steps since the last call (logs are running means)."""
        steps = end - self._previous_end
        values = {}
        for key, value in logs.items():
            mean = _scalar(value)
            if mean is None:
                continue
            before = self._previous_means.get(key, 0.0)
            total = (end + 1) * mean - (self._previous_end + 1) * before
            values[key] = total / steps if steps > 0 else mean
            self._previous_means[key] = mean
        return values

    def _watched(self, logs):
        if self.losses != "auto":
            return [key for key in self.losses if key in logs]
        if "reconstruction_error" in logs:
            return ["reconstruction_error"]
        return [key for key in logs if key.endswith("loss")
                and not any(key.endswith(name) for name in _NOT_LOSSES)]

    def _judge(self, values, logs, steps):
        for key, value in logs.items():
            number = _scalar(value)
            if number is not None and not math.isfinite(number):
                return f"{key} became {number}"
        for key in self._watched(values):
            history = self._history[key]
            if len(history) < min(_MIN_HISTORY, self.window):
                continue
            median = float(np.median(history))
            mad = float(np.median(np.abs(np.asarray(history) - median)))
            scale = max(abs(median), 1.4826 * mad, 1e-12)
            if values[key] > median + self.factor * scale:
                return (f"{key} jumped to {values[key]:.4g}, above {median:.4g} + {self.factor:g} x "
                        f"{scale:.4g} (its recent median and scale)")
        pinned = values.get(self.monitor)
        bounded = getattr(getattr(self.model, "adversarial_loss", None), "bounded_below_by_zero",
                          True)
        if pinned is not None and bounded:
            self._pinned = self._pinned + steps if pinned <= self.min_loss else 0
            if self._pinned >= self.patience:
                return (f"{self.monitor} stayed at or below {self.min_loss:g} for "
                        f"{self._pinned} steps (the discriminator wins outright)")
        if self._step - self._last_check >= self.check_every:
            steps_checked = self._step - self._last_check
            self._last_check = self._step
            rms = self._weight_rms()
            if not math.isfinite(rms):
                return "the weights became non-finite"
            growth = (rms - self._rms) / steps_checked
            if growth > self.max_weight_step * max(self._rms, 1.0):
                return (f"the weights ran away (their RMS grew from {self._rms:.3g} to {rms:.3g} "
                        f"in {steps_checked} steps)")
            self._rms = rms
            return self._check_gan()
        return None

    def on_train_batch_end(self, batch, logs=None):
        if self.stopped:
            return
        values = self._block_values(batch, logs or {})
        steps = max(batch - self._previous_end, 1)
        self._previous_end = batch
        self._step += steps
        if self._trusted is None:  # built by its first step: judged from the next call on
            finite = all(math.isfinite(v) for v in values.values())
            if not finite:
                self._stop(next(f"{k} became {v}" for k, v in values.items()
                                if not math.isfinite(v)))
                return
            self._last_check = self._step
            self._start()
            return
        problem = self._judge(values, logs or {}, steps)
        if problem:
            self._stop(problem)
            return
        for key in self._watched(values):
            self._history[key].append(values[key])
        pending_step = self._pending[0] if self._pending else self._trusted[0]
        if self._step - pending_step >= self.snapshot_every:
            if self._pending is not None:
                self._trusted = self._pending
            self._pending = (self._step, self._snapshot())

    def _stop(self, problem):
        self.stopped = True
        step, state = self._trusted or (None, None)
        self.reason = f"Training diverged: {problem} at step {self._step}."
        if self.restore and state is None:
            self.reason += " No earlier state to restore: the model was built by its first step."
        elif self.restore:
            self._sync()
            for variable, value in zip(self._variables(), state):
                variable.assign(value)
            self.reason += f" Restored the weights and optimizer state of step {step}."
        self.divergence = {"reason": self.reason, "step": self._step,
                           "restored_step": step if self.restore else None,
                           "epoch": getattr(self, "_epoch", 0)}
        self.divergences.append(self.divergence)
        self.model.stop_training = True
        if self.verbose:
            print(f"\nDivergenceGuard: {self.reason}")
