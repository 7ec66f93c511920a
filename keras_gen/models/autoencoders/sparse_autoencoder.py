"""Sparse autoencoder: a penalty keeps most code units inactive."""

import keras
from keras import ops

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.models.autoencoders.autoencoder import output_activation_name
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_probability

__all__ = ["SparseAutoencoder"]

_EPSILON = 1e-6


@keras.saving.register_keras_serializable(package="keras_gen")
class SparseAutoencoder(Autoencoder):
    """An autoencoder with a sparsity penalty on its codes.

    - `sparsity="kl"`: Σ_j KL(ρ || ρ̂_j), with ρ̂_j the mean activation of code
      unit j over the batch and ρ = `sparsity_target` (Ng's sparse
      autoencoder). Needs codes in (0, 1): the encoder must end in a sigmoid.
    - `sparsity="l1"`: the mean over the batch of Σ_j |h_j|.

    Args:
        encoder: Keras model, data → codes.
        decoder: Keras model, codes → data.
        sparsity: `"kl"` or `"l1"`.
        sparsity_weight: weight of the penalty, `>= 0`.
        sparsity_target: ρ in (0, 1) for `"kl"`.
        **kwargs: `Autoencoder` arguments.

    Example:

    >>> import numpy as np
    >>> sae = SparseAutoencoder.dense((16,), code_dim=8, sparsity_target=0.1)
    >>> sae.compile(optimizer="adam")
    >>> _ = sae.fit(np.random.rand(32, 16).astype("float32"), epochs=1, verbose=0)

    Reference: Ng, "Sparse autoencoder", CS294A lecture notes, 2011.
    """

    default_code_activation = "sigmoid"

    def __init__(self, encoder, decoder, sparsity="kl", sparsity_weight=0.1, sparsity_target=0.05,
                 **kwargs):
        self.sparsity = check_in("sparsity", sparsity, ("kl", "l1"))
        self.sparsity_weight = check_non_negative("sparsity_weight", sparsity_weight)
        self.sparsity_target = check_probability(
            "sparsity_target", sparsity_target, allow_zero=False, allow_one=False
        )
        activation = output_activation_name(encoder) if isinstance(encoder, keras.Model) else None
        if sparsity == "kl" and activation not in (None, "sigmoid"):
            raise ValueError(
                "Expected the encoder to end in a sigmoid for sparsity='kl' (it compares mean "
                "activations in (0, 1) to sparsity_target); use sparsity='l1' otherwise. "
                f"Received: encoder output activation {activation!r}"
            )
        super().__init__(encoder, decoder, **kwargs)

    def code_penalty(self, x, codes):
        if self.sparsity == "l1":
            return self.sparsity_weight * ops.mean(ops.sum(ops.abs(codes), axis=-1))
        rho = self.sparsity_target
        rho_hat = ops.clip(ops.mean(codes, axis=0), _EPSILON, 1.0 - _EPSILON)
        kl = rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat))
        return self.sparsity_weight * ops.sum(kl)

    def get_config(self):
        config = super().get_config()
        config.update({"sparsity": self.sparsity, "sparsity_weight": self.sparsity_weight,
                       "sparsity_target": self.sparsity_target})
        return config
