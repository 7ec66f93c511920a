"""Denoising autoencoder (Vincent et al., 2008): reconstruct clean data from corrupted input."""

import keras
from keras import ops

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.utils import check_in
from keras_gen.utils import check_probability

__all__ = ["DenoisingAutoencoder"]

CORRUPTIONS = ("gaussian", "masking", "salt_and_pepper")


@keras.saving.register_keras_serializable(package="keras_gen")
class DenoisingAutoencoder(Autoencoder):
    """An autoencoder trained to undo a corruption of its input.

    In training the encoder sees a corrupted copy x̃ of x and the loss
    compares the reconstruction to the clean x. Corruptions:

    - `"gaussian"`: x̃ = x + σ ε with σ = `corruption_level`;
    - `"masking"`: each feature set to 0 with probability `corruption_level`;
    - `"salt_and_pepper"`: each feature set, with probability
      `corruption_level`, to 0 or 1 (equally likely).

    Args:
        encoder: Keras model, data → codes.
        decoder: Keras model, codes → data.
        corruption: one of `"gaussian"`, `"masking"`, `"salt_and_pepper"`.
        corruption_level: in [0, 1]: the noise standard deviation or the
            fraction of corrupted features.
        **kwargs: `Autoencoder` arguments (`reconstruction_loss`,
            `weight_decay`, `seed`, ...).

    Example:

    >>> import numpy as np
    >>> dae = DenoisingAutoencoder.dense((16,), code_dim=4, corruption="masking",
    ...                                  corruption_level=0.5)
    >>> dae.compile(optimizer="adam")
    >>> _ = dae.fit(np.random.rand(32, 16).astype("float32"), epochs=1, verbose=0)
    >>> tuple(dae.corrupt(np.ones((2, 16), "float32"), seed=0).shape)
    (2, 16)

    Reference: Vincent, Larochelle, Bengio & Manzagol, "Extracting and
    Composing Robust Features with Denoising Autoencoders", ICML 2008.
    """

    def __init__(self, encoder, decoder, corruption="masking", corruption_level=0.3, **kwargs):
        self.corruption = check_in("corruption", corruption, CORRUPTIONS)
        self.corruption_level = check_probability("corruption_level", corruption_level)
        super().__init__(encoder, decoder, **kwargs)

    def corrupt(self, x, seed=None):
        """A corrupted copy of `x` (drawn from the model's seed generator, or `seed`)."""
        x = ops.convert_to_tensor(x, self.compute_dtype)
        seed = self.seed_generator if seed is None else seed
        level = self.corruption_level
        if self.corruption == "gaussian":
            return x + level * keras.random.normal(ops.shape(x), seed=seed, dtype=x.dtype)
        if self.corruption == "masking":
            keep = keras.random.uniform(ops.shape(x), seed=seed, dtype=x.dtype) >= level
            return ops.where(keep, x, ops.zeros_like(x))
        # One uniform draw decides both whether and how a feature is hit:
        # u < level/2 → 0 (pepper), level/2 <= u < level → 1 (salt).
        u = keras.random.uniform(ops.shape(x), seed=seed, dtype=x.dtype)
        salted = ops.where(u < level / 2.0, ops.zeros_like(x), ops.ones_like(x))
        return ops.where(u < level, salted, x)

    def get_config(self):
        config = super().get_config()
        config.update({"corruption": self.corruption, "corruption_level": self.corruption_level})
        return config
