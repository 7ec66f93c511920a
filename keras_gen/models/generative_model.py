"""`GenerativeModel`: the base every keras-gen model shares."""

import inspect

import keras
import numpy as np

from keras_gen.trainers.multi_step import MultiStepTrainer
from keras_gen.utils.data_checks import check_data
from keras_gen.utils.seed_state import SavesSeedState
from keras_gen.utils.validation import check_positive_int

__all__ = ["GenerativeModel", "VERBS"]

# The public verbs, one meaning across families, NumPy in and NumPy out.
VERBS = {
    "sample": "draws new data",
    "generate": "maps given latents to data",
    "encode": "maps data to codes",
    "transform": "maps data to features",
    "decode": "maps codes to data",
    "reconstruct": "autoencodes data",
    "translate": "maps images into another domain",
}

_FIT_PARAMETERS = inspect.signature(keras.Model.fit)
_EVALUATE_PARAMETERS = inspect.signature(keras.Model.evaluate)
_PREDICT_PARAMETERS = inspect.signature(keras.Model.predict)


def _to_numpy(values):
    array = keras.ops.convert_to_numpy(values)  # detached: never a tensor that tracks gradients
    if np.issubdtype(array.dtype, np.floating) and array.dtype != np.float32:
        # Mixed-precision outputs (float16, ml_dtypes' bfloat16) as plain float32.
        array = array.astype("float32")
    return array


class GenerativeModel(MultiStepTrainer, SavesSeedState, keras.Model):
    """The base of every keras-gen model: one `fit`, one export contract, saved seeds, one set of verbs.

    - `fit` calls `check_fit_data(x, y, kwargs)` (families check their data
      there, before any work, with `check_samples`: shape, dtype, finite
      values, no empty batch, the range the output activation or likelihood
      implies), then stages NumPy training arrays on the accelerator as
      `keras_gen.trainers.set_device_feed` says. `evaluate` runs the same
      check; `predict` calls `check_predict_data(x)`.
    - `export_parts()` returns the parts `keras-gen export` converts:
      `{name: (functional keras.Model, metadata)}`.
    - A `.keras` file keeps the state of every `keras.random.SeedGenerator`
      the model owns directly, so a loaded model draws on where the saved
      one stopped (and a resumed fit continues the same noise).
    - The verbs, NumPy in and NumPy out (never a backend tensor):
      `sample(count, seed=None, batch_size=...)` draws new data;
      `generate(latents, batch_size=...)` maps given latents to data only;
      `encode`/`transform` map data to codes/features; `decode` maps codes
      to data; `reconstruct` autoencodes; `translate(images, batch_size=...)`
      maps images into another domain. Family options come after them, by
      keyword. A verb a family does not have raises `NotImplementedError`
      naming the verbs it has (`supported_verbs()`).

    Subclasses use `apply_in_batches` and `check_samples` to implement the
    verbs. Adversarial models subclass it through
    `keras_gen.trainers.AdversarialModel`.

    Example:

    >>> from keras_gen.models import VAE
    >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
    >>> isinstance(vae, GenerativeModel), vae.supported_verbs()
    (True, ('sample', 'generate', 'encode', 'decode', 'reconstruct'))
    >>> type(vae.sample(3, seed=0)).__name__, vae.sample(3, seed=0).shape
    ('ndarray', (3, 4))

    Reference: the Keras guide "Making new layers and models via
    subclassing"; Bengio, Courville & Vincent, "Representation Learning: A
    Review and New Perspectives", IEEE TPAMI 2013 (encoders, decoders and
    generators as one family).
    """

    # ------------------------------------------------------------- training
    def check_fit_data(self, x, y, kwargs):
        """Checks (and may convert) `fit`'s data before training starts.

        Runs `check_pair` on the training data and on `validation_data`
        given as arrays (a tuple `(x, y[, sample_weight])` or one array).
        Families with more to check override it and chain to
        `super().check_fit_data`.

        Args:
            x, y: `fit`'s first two arguments.
            kwargs: `fit`'s other arguments by name (`validation_data`, ...).

        Returns:
            `(x, y, kwargs)` as `fit` should use them.
        """
        x, y = self.check_pair(x, y)
        validation = kwargs.get("validation_data")
        if isinstance(validation, (tuple, list)) and validation:
            checked = self.check_pair(validation[0], validation[1] if len(validation) > 1 else None)
            kwargs["validation_data"] = (*checked[:len(validation)], *validation[2:])
        elif isinstance(validation, np.ndarray):
            kwargs["validation_data"] = self.check_pair(validation, None)[0]
        return x, y, kwargs

    def check_pair(self, x, y):
        """Checks one `(x, y)` of training or validation data (here: unchanged).

        Families override it with their data checks (`check_samples`).

        Returns:
            `(x, y)` as `fit` should use them.
        """
        return x, y

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit` after `check_fit_data`; NumPy training arrays reach
        an accelerator as `keras_gen.trainers.set_device_feed` says."""
        # Imported here: keras_gen.trainers.AdversarialModel subclasses this base.
        from keras_gen.trainers.device_feed import staged_fit_arguments

        arguments = _FIT_PARAMETERS.bind_partial(self, x, y, *args, **kwargs).arguments
        arguments.pop("self")
        x, y = arguments.pop("x", None), arguments.pop("y", None)
        x, y, arguments = self.check_fit_data(x, y, arguments)
        return super().fit(**staged_fit_arguments(x, y, (), arguments))

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate` after the data check of `fit` (`check_fit_data`)."""
        arguments = _EVALUATE_PARAMETERS.bind_partial(self, x, y, *args, **kwargs).arguments
        arguments.pop("self")
        extra = arguments.pop("kwargs", {})  # Keras's own, e.g. from fit's validation
        x, y = arguments.pop("x", None), arguments.pop("y", None)
        if not extra.get("_use_cached_eval_dataset"):
            # fit's validation pass: checked once by fit, not again every epoch.
            x, y, arguments = self.check_fit_data(x, y, arguments)
        return super().evaluate(x=x, y=y, **arguments, **extra)

    def check_predict_data(self, x):
        """Checks (and may convert) `predict`'s input; families override it.

        Returns:
            `x` as `predict` should use it (here: unchanged).
        """
        return x

    def predict(self, x, *args, **kwargs):
        """`keras.Model.predict` after `check_predict_data`."""
        arguments = _PREDICT_PARAMETERS.bind_partial(self, x, *args, **kwargs).arguments
        arguments.pop("self")
        return super().predict(**{**arguments, "x": self.check_predict_data(arguments["x"])})

    # --------------------------------------------------------------- export
    def export_parts(self):
        """The parts to export: `{name: (functional keras.Model, metadata)}`.

        Part names come from `keras_gen.export.PART_NAMES`; metadata describes
        each input (`range`, `distribution`, `description`) and the
        `output_range`. Every family implements it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement export_parts(): a dict "
            "{part_name: (keras.Model, metadata)}."
        )

    # -------------------------------------------------------------- presets
    @classmethod
    def from_preset(cls, name_or_uri, compile=False):
        """Loads a pretrained model of this class (or a subclass).

        Args:
            name_or_uri: a shipped preset name (`keras_gen.presets.list_presets()`),
                a preset or run folder, a `.keras` file, or an `hf://` /
                `kaggle://` URI.
            compile: restore a compile state saved with the model.

        Returns:
            The model. A preset of another family raises `ValueError`.

        Example:

        >>> from keras_gen.models import DCGAN
        >>> DCGAN.from_preset("dcgan_mnist").sample(2, seed=0).shape
        (2, 28, 28, 1)
        """
        from keras_gen.presets.loading import from_preset

        return from_preset(name_or_uri, cls=None if cls is GenerativeModel else cls, compile=compile)

    # ---------------------------------------------------------------- verbs
    @classmethod
    def supported_verbs(cls):
        """The verbs of `VERBS` this class implements (deprecated aliases left out).

        Returns:
            A tuple of names, in the order of `VERBS`.
        """
        return tuple(
            verb for verb in VERBS
            if getattr(cls, verb) is not getattr(GenerativeModel, verb)
            and not getattr(getattr(cls, verb), "__deprecated__", None)
        )

    def _missing_verb(self, verb):
        verbs = ", ".join(self.supported_verbs()) or "none"
        return NotImplementedError(
            f"{type(self).__name__} has no `{verb}` (the verb that {VERBS[verb]}). "
            f"Its verbs: {verbs}."
        )

    def sample(self, count, seed=None, batch_size=None):
        """Draws `count` new samples (NumPy); `seed` (int) makes the draw
        reproducible, `None` advances the model's `SeedGenerator`."""
        raise self._missing_verb("sample")

    def generate(self, latents, batch_size=None):
        """Maps given latents to data (NumPy), deterministically."""
        raise self._missing_verb("generate")

    def encode(self, x, batch_size=None):
        """Maps data to codes (NumPy)."""
        raise self._missing_verb("encode")

    def transform(self, x, batch_size=None):
        """Maps data to features (NumPy)."""
        raise self._missing_verb("transform")

    def decode(self, codes, batch_size=None):
        """Maps codes to data (NumPy)."""
        raise self._missing_verb("decode")

    def reconstruct(self, x, batch_size=None):
        """Autoencodes data: `decode(encode(x))` or its family's equivalent (NumPy)."""
        raise self._missing_verb("reconstruct")

    def translate(self, images, batch_size=None):
        """Maps images into another domain (NumPy)."""
        raise self._missing_verb("translate")

    # -------------------------------------------------- helpers of the verbs
    def apply_in_batches(self, function, inputs, batch_size):
        """Calls `function` on consecutive batches; returns one NumPy array.

        Args:
            function: maps a batch (one argument per input) to a tensor or array.
            inputs: an array, or a tuple of arrays with equally many rows.
            batch_size: rows per call, >= 1.

        Returns:
            The outputs concatenated along the first axis, as NumPy (floating
            outputs as float32), detached from any gradient tape.

        Example:

        >>> from keras_gen.models import VAE
        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.apply_in_batches(lambda z: 2 * z, np.ones((5, 2), "float32"), 2).tolist()[0]
        [2.0, 2.0]
        """
        batch_size = check_positive_int("batch_size", batch_size)
        arrays = inputs if isinstance(inputs, tuple) else (inputs,)
        count = len(arrays[0])
        if count == 0:
            raise ValueError("Expected at least one row of inputs. Received: 0 rows")
        parts = [
            _to_numpy(function(*(array[start : start + batch_size] for array in arrays)))
            for start in range(0, count, batch_size)
        ]
        return np.concatenate(parts, axis=0)

    def check_samples(self, name, x, sample_shape, value_range=None, max_abs=None, reason=None):
        """`x` as a float32 NumPy batch of samples of `sample_shape`, checked before any work.

        The one input check of every family
        (`keras_gen.utils.data_checks.check_data`): numbers, the shape of one
        sample (`None` matches any size), at least one sample, finite values,
        and the range the model implies. Data that is not in memory (a
        dataset, a generator) is returned as it is.

        Args:
            name: the argument's name, used in messages.
            x: the data.
            sample_shape: the shape of one sample.
            value_range: `(low, high)` the values must lie in, or None.
            max_abs: largest |value| accepted, or None.
            reason: why the range applies, shown in the message.

        Raises:
            ValueError: naming `name`, for a wrong dtype or shape, no samples,
            non-finite values, or values out of range.

        Example:

        >>> from keras_gen.models import VAE
        >>> vae = VAE.dense((4,), latent_dim=2, hidden_units=(4,))
        >>> vae.check_samples("z", [[0.0, 1.0]], (2,)).dtype
        dtype('float32')
        """
        return check_data(name, x, sample_shape=tuple(sample_shape), value_range=value_range,
                          max_abs=max_abs, reason=reason)
