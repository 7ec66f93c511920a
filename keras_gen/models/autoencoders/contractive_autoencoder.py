"""Contractive autoencoder (Rifai et al., 2011): penalise the encoder's Jacobian."""

import keras
from keras import ops

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int

__all__ = ["ContractiveAutoencoder"]


def _single_sigmoid_dense(encoder):
    """The encoder's only Dense layer if the encoder is one sigmoid Dense (plus Flatten)."""
    layers = [
        layer for layer in encoder.layers
        if not isinstance(layer, (keras.layers.InputLayer, keras.layers.Flatten))
    ]
    if len(layers) != 1 or not isinstance(layers[0], keras.layers.Dense):
        return None
    layer = layers[0]
    return layer if keras.activations.serialize(layer.activation) == "sigmoid" else None


@keras.saving.register_keras_serializable(package="keras_gen")
class ContractiveAutoencoder(Autoencoder):
    """An autoencoder with the penalty λ ||J_f(x)||²_F on the encoder Jacobian.

    Two ways to get ||J||²_F, both written with `keras.ops` so they run and
    differentiate on every backend (no `jax.jacobian`/`torch.func` needed):

    - `jacobian="exact"`: the closed form for a one-layer sigmoid encoder
      h = σ(Wx + b): ||J||²_F = Σ_j (h_j (1 - h_j))² Σ_i W_ij² (Rifai et al.).
    - `jacobian="estimate"`: for any encoder, the Hutchinson identity
      ||J||²_F = E_v ||J v||² with v ~ N(0, I), J v taken by central
      differences (f(x + εv) - f(x - εv)) / 2ε over `jacobian_probes` probes.
      It is unbiased up to O(ε²) and costs 2 × probes extra encoder passes a
      step. Reverse-mode Jacobians would need per-backend code and a pass
      per code unit; the estimate is the backend-agnostic choice.
    - `jacobian="auto"` (default): exact when the encoder is a single sigmoid
      Dense layer, else the estimate.

    Args:
        encoder: Keras model, data → codes.
        decoder: Keras model, codes → data.
        contraction_weight: λ, `>= 0`.
        jacobian: `"auto"`, `"exact"` or `"estimate"`.
        jacobian_probes: random directions per step for the estimate.
        jacobian_epsilon: finite-difference step for the estimate.
        **kwargs: `Autoencoder` arguments.

    Example:

    >>> import numpy as np
    >>> cae = ContractiveAutoencoder.dense((16,), code_dim=4, hidden_units=())
    >>> cae.jacobian_method
    'exact'
    >>> x = np.random.rand(8, 16).astype("float32")
    >>> float(cae.jacobian_penalty(x)) > 0
    True

    Reference: Rifai, Vincent, Muller, Glorot & Bengio, "Contractive
    Auto-Encoders: Explicit Invariance During Feature Extraction", ICML 2011.
    """

    default_code_activation = "sigmoid"

    def __init__(self, encoder, decoder, contraction_weight=0.1, jacobian="auto",
                 jacobian_probes=4, jacobian_epsilon=1e-2, **kwargs):
        self.contraction_weight = check_non_negative("contraction_weight", contraction_weight)
        self.jacobian = check_in("jacobian", jacobian, ("auto", "exact", "estimate"))
        self.jacobian_probes = check_positive_int("jacobian_probes", jacobian_probes)
        self.jacobian_epsilon = check_non_negative("jacobian_epsilon", jacobian_epsilon)
        if self.jacobian_epsilon == 0:
            raise ValueError(
                f"Expected `jacobian_epsilon` to be > 0. Received: jacobian_epsilon={jacobian_epsilon}"
            )
        super().__init__(encoder, decoder, **kwargs)
        self._dense = _single_sigmoid_dense(encoder)
        if jacobian == "exact" and self._dense is None:
            raise ValueError(
                "Expected a one-layer sigmoid Dense encoder for jacobian='exact' (the closed "
                "form needs it); use jacobian='estimate' for other encoders. Received: encoder "
                f"with layers {[layer.__class__.__name__ for layer in encoder.layers]}"
            )
        self.jacobian_method = "exact" if (jacobian != "estimate" and self._dense) else "estimate"

    def jacobian_penalty(self, x, codes=None, training=False):
        """The batch mean of ||J_f(x)||²_F (by `jacobian_method`).

        Args:
            x: a batch of inputs.
            codes: `encoder(x)`, if already computed.
            training: the encoder's training flag.

        Returns:
            A scalar tensor.
        """
        x = ops.convert_to_tensor(x, self.compute_dtype)
        if codes is None:
            codes = self.encoder(x, training=training)
        if self.jacobian_method == "exact":
            slope = ops.square(codes * (1.0 - codes))
            column_norms = ops.sum(ops.square(self._dense.kernel), axis=0)
            return ops.mean(ops.sum(slope * column_norms, axis=-1))
        total = ops.zeros((), codes.dtype)
        eps = self.jacobian_epsilon
        for _ in range(self.jacobian_probes):
            probe = keras.random.normal(ops.shape(x), seed=self.seed_generator, dtype=x.dtype)
            forward = self.encoder(x + eps * probe, training=training)
            backward = self.encoder(x - eps * probe, training=training)
            directional = (forward - backward) / (2.0 * eps)
            total = total + ops.mean(ops.sum(ops.square(directional), axis=-1))
        return total / self.jacobian_probes

    def code_penalty(self, x, codes):
        return self.contraction_weight * self.jacobian_penalty(x, codes, training=True)

    def get_config(self):
        config = super().get_config()
        config.update({
            "contraction_weight": self.contraction_weight, "jacobian": self.jacobian,
            "jacobian_probes": self.jacobian_probes, "jacobian_epsilon": self.jacobian_epsilon,
        })
        return config
