"""Stacked autoencoder: greedy layer-wise pretraining, then end-to-end fine-tuning."""

import keras

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.models.autoencoders.networks import dense_networks
from keras_gen.models.autoencoders.sparse_autoencoder import SparseAutoencoder
from keras_gen.utils import check_array
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["StackedAutoencoder"]


@keras.saving.register_keras_serializable(package="keras_gen")
class StackedAutoencoder(Autoencoder):
    """A deep dense autoencoder, pretrained one layer at a time.

    `layer_sizes=(1000, 500, 250, 30)` on 784 inputs builds the encoder
    784-1000-500-250-30 and the mirrored decoder 30-250-500-1000-784.
    `pretrain(x)` trains, bottom up, one shallow autoencoder per layer: layer
    i's encoder layer and its mirror decoder layer reconstruct the codes of
    layer i - 1 (the data for i = 0), with L2 weight decay
    (`pretrain_weight_decay`) and, on sigmoid layers, an optional KL sparsity
    term (`sparsity_weight`, `sparsity_target`). Each layer trains with
    `fit`, so it shows a progress bar. `fit` then fine-tunes the whole stack
    end to end (compile first, as for any model).

    Args:
        input_dim: number of input features (flatten images first).
        layer_sizes: encoder layer sizes, bottom first; the last is the code.
        activation: activation of the hidden layers.
        code_activation: activation of the code layer (`None`: linear).
        output_activation: activation of the reconstruction.
        pretrain_weight_decay: L2 coefficient during pretraining.
        sparsity_weight: KL sparsity weight during pretraining (0 = none).
        sparsity_target: target mean activation for the sparsity term.
        **kwargs: `Autoencoder` arguments (`reconstruction_loss`,
            `weight_decay` for fine-tuning, `seed`, ...).

    Example:

    >>> import numpy as np
    >>> x = np.random.rand(64, 16).astype("float32")
    >>> sae = StackedAutoencoder(16, layer_sizes=(8, 4), reconstruction_loss="binary_crossentropy")
    >>> _ = sae.pretrain(x, epochs=1, verbose=0)
    >>> sae.compile(optimizer="adam")
    >>> _ = sae.fit(x, epochs=1, verbose=0)
    >>> tuple(sae.encode(x[:2]).shape)
    (2, 4)

    Reference: Hinton & Salakhutdinov, "Reducing the Dimensionality of Data
    with Neural Networks", Science 2006; Bengio, Lamblin, Popovici &
    Larochelle, "Greedy Layer-Wise Training of Deep Networks", NIPS 2006.
    """

    def __init__(self, input_dim, layer_sizes=(1000, 500, 250, 30), activation="sigmoid",
                 code_activation=None, output_activation="sigmoid", pretrain_weight_decay=1e-5,
                 sparsity_weight=0.0, sparsity_target=0.05, **kwargs):
        self.input_dim = check_positive_int("input_dim", input_dim)
        layer_sizes = (layer_sizes,) if isinstance(layer_sizes, int) else tuple(layer_sizes)
        if not layer_sizes:
            raise ValueError("Expected `layer_sizes` to name at least one layer. "
                             f"Received: layer_sizes={layer_sizes!r}")
        self.layer_sizes = tuple(check_positive_int("layer_sizes", size) for size in layer_sizes)
        self.activation = activation
        self.code_activation = code_activation
        self.output_activation = output_activation
        self.pretrain_weight_decay = check_non_negative("pretrain_weight_decay", pretrain_weight_decay)
        self.sparsity_weight = check_non_negative("sparsity_weight", sparsity_weight)
        self.sparsity_target = check_probability("sparsity_target", sparsity_target,
                                                 allow_zero=False, allow_one=False)
        encoder, decoder = dense_networks(
            (self.input_dim,), self.layer_sizes[:-1], self.layer_sizes[-1], activation=activation,
            code_activation=code_activation, output_activation=output_activation,
        )
        super().__init__(encoder, decoder, **kwargs)

    def _layer_pairs(self):
        """(encoder layer, mirror decoder layer) per level, bottom first."""
        dense = lambda model: [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]  # noqa: E731
        encoder_layers, decoder_layers = dense(self.encoder), dense(self.decoder)
        return list(zip(encoder_layers, reversed(decoder_layers)))

    def pretrain(self, x, epochs=10, batch_size=128, optimizer="adam", learning_rate=1e-3,
                 verbose=1, callbacks=None):
        """Greedy layer-wise pretraining, bottom up.

        Args:
            x: training data (N, input_dim).
            epochs: epochs per layer.
            batch_size: batch size.
            optimizer: optimizer name (a fresh one per layer).
            learning_rate: its learning rate.
            verbose: Keras verbosity of each layer's `fit`.
            callbacks: Keras callbacks given to each layer's `fit`.

        Returns:
            A list with each layer's final pretraining loss.
        """
        x = check_array("x", x, ndim=2, last_dim=self.input_dim)
        epochs = check_positive_int("epochs", epochs)
        batch_size = check_positive_int("batch_size", batch_size)
        losses = []
        codes = x
        pairs = self._layer_pairs()
        for level, (encoder_layer, decoder_layer) in enumerate(pairs):
            inputs = codes.shape[1]
            encoder = keras.Sequential([keras.Input((inputs,)), encoder_layer])
            decoder = keras.Sequential([keras.Input((encoder_layer.units,)), decoder_layer])
            target_activation = keras.activations.serialize(decoder_layer.activation)
            loss = self.reconstruction_loss if level == 0 else (
                "binary_crossentropy" if target_activation == "sigmoid" else "mse")
            common = {"reconstruction_loss": loss, "weight_decay": self.pretrain_weight_decay,
                      "name": f"pretrain_level_{level}"}
            code_is_sigmoid = keras.activations.serialize(encoder_layer.activation) == "sigmoid"
            if self.sparsity_weight and code_is_sigmoid:
                shallow = SparseAutoencoder(encoder, decoder, sparsity="kl",
                                            sparsity_weight=self.sparsity_weight,
                                            sparsity_target=self.sparsity_target, **common)
            else:
                shallow = Autoencoder(encoder, decoder, **common)
            shallow.compile(optimizer=keras.optimizers.get(
                {"class_name": optimizer, "config": {"learning_rate": learning_rate}}))
            if verbose:
                print(f"Pretraining layer {level + 1}/{len(pairs)}: "
                      f"{inputs} -> {encoder_layer.units} ({loss})")
            history = shallow.fit(codes, epochs=epochs, batch_size=batch_size, shuffle=True,
                                  verbose=verbose, callbacks=callbacks)
            losses.append(float(history.history["loss"][-1]))
            if level + 1 < len(pairs):
                codes = encoder.predict(codes, batch_size=max(batch_size, 512), verbose=0)
        return losses

    def get_config(self):
        config = super().get_config()
        for key in ("encoder", "decoder"):
            config.pop(key)
        config.update({
            "input_dim": self.input_dim, "layer_sizes": list(self.layer_sizes),
            "activation": self.activation, "code_activation": self.code_activation,
            "output_activation": self.output_activation,
            "pretrain_weight_decay": self.pretrain_weight_decay,
            "sparsity_weight": self.sparsity_weight, "sparsity_target": self.sparsity_target,
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
