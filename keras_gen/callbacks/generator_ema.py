"""An exponential moving average (EMA) copy of a GAN's generator."""

import keras
import numpy as np

from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["GeneratorEMA"]


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps `ema_generator`, an EMA of the generator's weights during `fit`.

    Samples of an averaged generator are usually smoother and better (lower
    FID) than those of the last iterate. Once at least `update_every`
    training steps have run since the last update (`k` of them), every
    trainable weight `w_ema <- decay**k * w_ema + (1 - decay**k) * w`;
    non-trainable weights (batch-norm statistics) are copied. The copy is a
    clone of `model.generator` (a `keras.Model` you can save or export);
    `apply_on_train_end=True` also writes the averages into the model's own
    generator.

    Args:
        decay: EMA decay in [0, 1).
        update_every: update after at least this many steps (on JAX each
            update syncs the training state to the variables: use > 1 there
            for speed). Steps are counted, not callback calls: with
            `steps_per_execution=N` Keras calls back once per N steps.
        apply_on_train_end: copy the averages into `model.generator` at the end.

    Returns:
        A `keras.callbacks.Callback` with `ema_generator` after training begins.

    Example:

    >>> from keras_gen.models.gan.gan import GAN
    >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")])
    >>> d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    >>> gan = GAN(g, d, latent_dim=4, seed=0)
    >>> gan.compile()
    >>> ema = GeneratorEMA(decay=0.9)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (32, 8)).astype("float32")
    >>> _ = gan.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[ema])
    >>> ema.ema_generator.predict(np.zeros((3, 4), "float32"), verbose=0).shape
    (3, 8)
    >>> float(np.abs(ema.ema_generator.get_weights()[0] - g.get_weights()[0]).max()) > 0
    True

    Reference: Yazici et al., "The Unusual Effectiveness of Averaging in GAN
    Training", ICLR 2019; Karras et al., "Progressive Growing of GANs", 2018.
    """

    def __init__(self, decay=0.999, update_every=1, apply_on_train_end=False):
        super().__init__()
        self.decay = check_probability("decay", decay, allow_one=False)
        self.update_every = check_positive_int("update_every", update_every)
        self.apply_on_train_end = bool(apply_on_train_end)
        self.ema_generator = None
        self._averages = None
        self._pending = 0
        self._steps_in_epoch = 0

    def _generator(self):
        generator = getattr(self.model, "generator", None)
        if not isinstance(generator, keras.Model):
            raise ValueError(
                "Expected a model with a `generator` sub-model (a GAN). "
                f"Received: model of type {type(self.model).__name__}"
            )
        return generator

    def _sync(self):
        # On JAX the training state lives outside the variables mid-epoch.
        if hasattr(self.model, "jax_state_sync"):
            self.model.jax_state_sync()

    def on_train_begin(self, logs=None):
        generator = self._generator()
        if self.ema_generator is None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self._averages = [np.array(keras.ops.convert_to_numpy(w), dtype="float64")
                          for w in self.ema_generator.trainable_weights]

    def on_epoch_begin(self, epoch, logs=None):
        self._steps_in_epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the index of the last step run: one call may cover many.
        self._pending += batch + 1 - self._steps_in_epoch
        self._steps_in_epoch = batch + 1
        if self._pending < self.update_every:
            return
        self._sync()
        generator = self._generator()
        decay = self.decay ** self._pending
        self._pending = 0
        for average, weight in zip(self._averages, generator.trainable_weights):
            average *= decay
            average += (1.0 - decay) * keras.ops.convert_to_numpy(weight)

    def on_epoch_end(self, epoch, logs=None):
        self._publish()

    def on_train_end(self, logs=None):
        self._publish()
        if self.apply_on_train_end:
            for target, source in zip(self._generator().weights, self.ema_generator.weights):
                target.assign(keras.ops.convert_to_numpy(source))

    def _publish(self):
        generator = self._generator()
        for target, average in zip(self.ema_generator.trainable_weights, self._averages):
            target.assign(average.astype(target.dtype))
        for target, source in zip(self.ema_generator.non_trainable_weights,
                                  generator.non_trainable_weights):
            target.assign(keras.ops.convert_to_numpy(source))
