"""Autoencoder with binary stochastic codes (straight-through gradients)."""

import keras
from keras import ops

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.models.autoencoders.autoencoder import output_activation_name

__all__ = ["StochasticAutoencoder"]


@keras.saving.register_keras_serializable(package="keras_gen")
class StochasticAutoencoder(Autoencoder):
    """An autoencoder whose codes are binary: sampled in training, thresholded after.

    The encoder outputs probabilities p (it must end in a sigmoid). In
    training each code unit is drawn b ~ Bernoulli(p) and the gradient passes
    straight through the draw (b = p + stop_gradient(b - p)); `encode`
    returns the deterministic codes 1[p > 1/2], i.e. binary hash codes
    (semantic hashing).

    Args:
        encoder: Keras model, data → sigmoid probabilities.
        decoder: Keras model, binary codes → data.
        **kwargs: `Autoencoder` arguments.

    Example:

    >>> import numpy as np
    >>> sae = StochasticAutoencoder.dense((16,), code_dim=8)
    >>> codes = sae.encode(np.random.rand(4, 16))
    >>> set(np.unique(codes)) <= {0.0, 1.0}
    True

    References: Bengio, Léonard & Courville, "Estimating or Propagating
    Gradients Through Stochastic Neurons", 2013; Salakhutdinov & Hinton,
    "Semantic Hashing", 2009.
    """

    default_code_activation = "sigmoid"

    def __init__(self, encoder, decoder, **kwargs):
        activation = output_activation_name(encoder) if isinstance(encoder, keras.Model) else None
        if activation not in (None, "sigmoid"):
            raise ValueError(
                "Expected the encoder to end in a sigmoid (code probabilities) for a "
                f"StochasticAutoencoder. Received: encoder output activation {activation!r}"
            )
        super().__init__(encoder, decoder, **kwargs)

    def transform_codes(self, codes, training=False):
        if not training:
            return ops.cast(codes > 0.5, codes.dtype)
        draws = keras.random.uniform(ops.shape(codes), seed=self.seed_generator, dtype=codes.dtype)
        binary = ops.cast(draws < codes, codes.dtype)
        return codes + ops.stop_gradient(binary - codes)

    def _code_metadata(self):
        return {"range": [0.0, 1.0], "distribution": "binary",
                "description": f"{self.code_dim} binary code bits"}

    def export_parts(self):
        """`binary_codes` (data → 0/1 codes) and `decoder` (codes → data).

        Example:

        >>> sorted(StochasticAutoencoder.dense((4,), code_dim=2, hidden_units=(4,)).export_parts())
        ['binary_codes', 'decoder']
        """
        parts = super().export_parts()
        parts["binary_codes"] = parts.pop("encoder")
        return parts
