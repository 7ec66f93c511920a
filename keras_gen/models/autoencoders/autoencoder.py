"""Autoencoder: any encoder and decoder, trained through `compute_loss`."""

import keras
import numpy as np  # noqa: F401  (used by the docstring examples)
from keras import ops

from keras_gen.models.autoencoders.networks import check_networks
from keras_gen.models.autoencoders.networks import conv_networks
from keras_gen.models.autoencoders.networks import dense_networks
from keras_gen.models.autoencoders.networks import networks_from_config
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils.data_checks import output_range

__all__ = ["Autoencoder"]

RECONSTRUCTION_LOSSES = ("mse", "binary_crossentropy")


def output_activation_name(model):
    """The activation name of a model's last layer, or `None` if it has none."""
    activation = getattr(model.layers[-1], "activation", None) if model.layers else None
    if activation is None:
        return None
    return keras.activations.serialize(activation)


@keras.saving.register_keras_serializable(package="keras_gen")
class Autoencoder(GenerativeModel):
    """An encoder and a decoder trained to reconstruct their input.

    The loss is the per-sample reconstruction loss (mean over features),
    plus any penalty the variant adds (sparsity, contraction) and an optional
    L2 weight decay on every kernel. Subclasses change one of three hooks:
    `corrupt` (the input seen in training), `code_penalty` and
    `transform_codes`. `model(x)` returns the reconstruction; `fit(x)` needs
    no targets (pass `fit(x, y)` to reconstruct `y` from `x` instead).
    `encode`, `decode` and `reconstruct` return NumPy arrays.

    Args:
        encoder: Keras model, data → flat codes (batch, code_dim).
        decoder: Keras model, codes → data (same shape as the encoder input).
        reconstruction_loss: `"mse"` or `"binary_crossentropy"` (for targets
            and sigmoid outputs in [0, 1]).
        weight_decay: L2 coefficient on all kernels, `>= 0`.
        seed: seed of the model's `SeedGenerator` (corruption, sampling).
        **kwargs: passed to `keras.Model`.

    Example:

    >>> import numpy as np
    >>> ae = Autoencoder.dense((16,), code_dim=4, hidden_units=(8,))
    >>> ae.compile(optimizer="adam")
    >>> _ = ae.fit(np.random.rand(32, 16).astype("float32"), epochs=1, verbose=0)
    >>> tuple(ae.encode(np.zeros((2, 16))).shape)
    (2, 4)

    Reference: Hinton & Salakhutdinov, "Reducing the Dimensionality of Data
    with Neural Networks", Science 2006.
    """

    default_code_activation = None

    def __init__(self, encoder, decoder, reconstruction_loss="mse", weight_decay=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.data_shape, self.code_dim = check_networks(encoder, decoder)
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction_loss = check_in(
            "reconstruction_loss", reconstruction_loss, RECONSTRUCTION_LOSSES
        )
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.penalty_tracker = keras.metrics.Mean(name="penalty")
        self.built = True

    @classmethod
    def dense(cls, input_shape, code_dim, hidden_units=(256,), activation="relu",
              code_activation=None, output_activation="sigmoid", **kwargs):
        """Builds the model with a dense encoder and a mirrored decoder.

        Args:
            input_shape: shape of one sample, e.g. `(784,)`.
            code_dim: size of the code.
            hidden_units: hidden layer sizes, input side first.
            activation: hidden activation.
            code_activation: code activation (`None`: the class default —
                linear, or sigmoid for sparse/stochastic/contractive).
            output_activation: decoder output activation.
            **kwargs: the class's own arguments.

        Example:

        >>> Autoencoder.dense((64,), code_dim=8).code_dim
        8
        """
        encoder, decoder = dense_networks(
            input_shape, hidden_units, code_dim, activation=activation,
            code_activation=code_activation or cls.default_code_activation,
            output_activation=output_activation,
        )
        return cls(encoder, decoder, **kwargs)

    @classmethod
    def conv(cls, input_shape, code_dim, filters=(32, 64), activation="relu",
             code_activation=None, output_activation="sigmoid", **kwargs):
        """Builds the model with a strided conv encoder and a transposed-conv decoder.

        Example:

        >>> Autoencoder.conv((28, 28, 1), code_dim=16).code_dim
        16
        """
        encoder, decoder = conv_networks(
            input_shape, filters, code_dim, activation=activation,
            code_activation=code_activation or cls.default_code_activation,
            output_activation=output_activation,
        )
        return cls(encoder, decoder, **kwargs)

    # ----- hooks for the variants -------------------------------------------
    def corrupt(self, x, seed=None):
        """The input the encoder sees in training (identity here)."""
        return x

    def code_penalty(self, x, codes):
        """A penalty on the codes of `x`, added to the loss in training (none here)."""
        return None

    def transform_codes(self, codes, training=False):
        """Codes as the decoder receives them (identity here)."""
        return codes

    # ----- model math -------------------------------------------------------
    def call(self, inputs, training=False):
        x = ops.convert_to_tensor(inputs, dtype=self.compute_dtype)
        seen = self.corrupt(x) if training else x
        codes = self.encoder(seen, training=training)
        if training:
            penalty = self.code_penalty(seen, codes)
            if penalty is not None:
                self.add_loss(penalty)
        return self.decoder(self.transform_codes(codes, training=training), training=training)

    def reconstruction_error(self, targets, reconstructions):
        """Per-sample reconstruction loss (mean over features).

        Example:

        >>> ae = Autoencoder.dense((4,), code_dim=2, hidden_units=(4,))
        >>> float(ae.reconstruction_error(np.ones((1, 4)), np.ones((1, 4)))[0])
        0.0
        """
        targets = ops.convert_to_tensor(targets, self.compute_dtype)
        reconstructions = ops.convert_to_tensor(reconstructions, self.compute_dtype)
        batch = ops.shape(targets)[0]
        targets = ops.reshape(targets, (batch, -1))
        reconstructions = ops.reshape(reconstructions, (batch, -1))
        if self.reconstruction_loss == "mse":
            return ops.mean(ops.square(targets - reconstructions), axis=-1)
        return keras.losses.binary_crossentropy(targets, reconstructions)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:
            y_pred = self(x, training=training)
        targets = x if y is None else y
        per_sample = self.reconstruction_error(targets, y_pred)
        if sample_weight is not None:
            weight = ops.reshape(ops.cast(sample_weight, per_sample.dtype), (-1,))
            reconstruction = ops.sum(per_sample * weight) / ops.maximum(ops.sum(weight), 1e-12)
        else:
            reconstruction = ops.mean(per_sample)
        penalty = ops.zeros((), reconstruction.dtype)
        for extra in self.losses:
            penalty = penalty + ops.cast(extra, penalty.dtype)
        if self.weight_decay:
            kernels = [w for w in self.trainable_weights if w.name == "kernel"]
            penalty = penalty + self.weight_decay * sum(ops.sum(ops.square(w)) for w in kernels)
        self.reconstruction_tracker.update_state(per_sample, sample_weight=sample_weight)
        self.penalty_tracker.update_state(penalty)
        return scale_loss_for_replicas(reconstruction + penalty)

    @property
    def metrics(self):
        return super().metrics + [self.reconstruction_tracker, self.penalty_tracker]

    # ----- data checks ------------------------------------------------------
    def check_pair(self, x, y):
        """Checks `x` (and the targets `y`, or `x` itself): shape, dtype, finite
        values, and the range of the decoder's output."""
        reach = output_range(self.decoder)
        reason = "the range of the decoder's output activation"
        x = self.check_samples("x", x, self.data_shape,
                               value_range=reach if y is None else None, reason=reason)
        if y is not None:
            y = self.check_samples("y", y, self.data_shape, value_range=reach, reason=reason)
        return x, y

    def check_predict_data(self, x):
        return self.check_samples("x", x, self.data_shape)

    # ----- the shared interface --------------------------------------------
    def _codes(self, x):
        return self.transform_codes(self.encoder(x, training=False), training=False)

    def encode(self, x, batch_size=256):
        """Codes of `x` (inference mode), as NumPy.

        Example:

        >>> Autoencoder.dense((4,), code_dim=2, hidden_units=(4,)).encode(np.zeros((3, 4))).shape
        (3, 2)
        """
        x = self.check_samples("x", x, self.data_shape)
        return self.apply_in_batches(self._codes, x, batch_size)

    def decode(self, codes, batch_size=256):
        """Data decoded from codes (inference mode), as NumPy.

        Example:

        >>> Autoencoder.dense((4,), code_dim=2, hidden_units=(4,)).decode(np.zeros((3, 2))).shape
        (3, 4)
        """
        codes = self.check_samples("codes", codes, (self.code_dim,))
        return self.apply_in_batches(
            lambda batch: self.decoder(batch, training=False), codes, batch_size)

    def reconstruct(self, x, batch_size=256):
        """decode(encode(x)), with no corruption, as NumPy.

        Example:

        >>> Autoencoder.dense((4,), code_dim=2, hidden_units=(4,)).reconstruct(np.zeros((3, 4))).shape
        (3, 4)
        """
        x = self.check_samples("x", x, self.data_shape)
        return self.apply_in_batches(
            lambda batch: self.decoder(self._codes(batch), training=False), x, batch_size)

    # ----- export and config ------------------------------------------------
    def _code_metadata(self):
        activation = output_activation_name(self.encoder)
        if activation == "sigmoid":
            return {"range": [0.0, 1.0], "distribution": "uniform",
                    "description": f"code vector of {self.code_dim} sigmoid units"}
        return {"range": None, "distribution": "normal",
                "description": f"code vector of {self.code_dim} units (not a prior sample)"}

    def export_parts(self):
        """The `encoder` (data → codes) and the `decoder` (codes → data).

        Example:

        >>> sorted(Autoencoder.dense((4,), code_dim=2, hidden_units=(4,)).export_parts())
        ['decoder', 'encoder']
        """
        x = keras.Input(self.data_shape, name="x")
        encoder = keras.Model(x, self._codes(x), name="ae_encoder")
        codes = keras.Input((self.code_dim,), name="codes")
        decoder = keras.Model(codes, self.decoder(codes, training=False), name="ae_decoder")
        output_range = [0.0, 1.0] if output_activation_name(self.decoder) == "sigmoid" else None
        return {
            "encoder": (encoder, {
                "inputs": {"x": {"range": output_range, "distribution": "image",
                                 "description": f"data of shape {self.data_shape}"}},
                "output_range": self._code_metadata()["range"],
            }),
            "decoder": (decoder, {"inputs": {"codes": self._code_metadata()},
                                  "output_range": output_range}),
        }

    def get_config(self):
        config = super().get_config()
        config.update({
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "reconstruction_loss": self.reconstruction_loss,
            "weight_decay": self.weight_decay,
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**networks_from_config(config))
