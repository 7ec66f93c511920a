"""Deep Belief Network: a stack of RBMs trained greedily, layer by layer."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.rbm.replicated_softmax_rbm import ReplicatedSoftmaxRBM
from keras_gen.models.rbm.rbm import RBM
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["DBN"]

VISIBLE_TYPES = ("bernoulli", "gaussian", "replicated_softmax")
PROPAGATIONS = ("probabilities", "samples")


@keras.saving.register_keras_serializable(package="keras_gen")
class _BinaryThreshold(keras.layers.Layer):
    """1.0 where the input exceeds `threshold`, else 0.0 (for exported codes)."""

    def __init__(self, threshold=0.5, **kwargs):
        super().__init__(**kwargs)
        self.threshold = float(threshold)

    def call(self, inputs):
        return ops.cast(ops.greater(inputs, self.threshold), "float32")

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package="keras_gen")
class DBN(GenerativeModel):
    """Deep Belief Network: RBMs stacked and trained greedily through `fit`.

    `fit(x)` trains the first RBM on `x`, then each next RBM on the hidden
    probabilities (or binary samples, `propagate="samples"`) of the one below
    (Hinton, Osindero & Teh 2006), with a Keras progress bar per layer.
    The trained stack gives features (`transform`, the mean-field up-pass),
    binary codes for Hamming retrieval (`binary_codes`), samples
    (`generate`: Gibbs sampling in the top RBM, then a top-down pass) and
    the initial weights of a classifier for backprop fine-tuning
    (`to_classifier`). Calling the model gives the top-layer features.

    Args:
        layers: non-empty list; each entry is the hidden size of a new RBM
            (an int) or an `RBM` instance, possibly already trained (its sizes
            must chain with its neighbours').
        visible_type: units of the first layer when it is created here:
            `"bernoulli"` (data in [0, 1]), `"gaussian"` (standardized real
            data) or `"replicated_softmax"` (bag-of-words counts).
        cd_steps: Gibbs sweeps of the negative phase of the created RBMs.
        persistent: train the created RBMs with PCD.
        propagate: what an upper layer is trained on: `"probabilities"` or
            `"samples"` of the layer below.
        seed: seed of the created RBMs (layer `i` gets `seed + i`).
        **kwargs: `keras.Model` arguments.

    Returns:
        A `keras.Model`; `model(x)` gives the top hidden probabilities.

    Example:

    >>> import numpy as np
    >>> x = (np.random.default_rng(0).random((64, 16)) > 0.5).astype("float32")
    >>> dbn = DBN([12, 8], seed=0)
    >>> dbn.compile(optimizer=keras.optimizers.SGD(0.1))
    >>> history = dbn.fit(x, batch_size=16, epochs=1, verbose=0)
    >>> dbn.transform(x).shape, dbn.binary_codes(x, bits=8).dtype
    ((64, 8), dtype('uint8'))

    References:
        Hinton, Osindero & Teh, "A fast learning algorithm for deep belief
        nets", Neural Computation 2006; Hinton & Salakhutdinov, "Reducing
        the dimensionality of data with neural networks", Science 2006.
    """

    def __init__(self, layers, visible_type="bernoulli", cd_steps=1, persistent=False,
                 propagate="probabilities", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.visible_type = check_in("visible_type", visible_type, VISIBLE_TYPES)
        self.cd_steps = check_positive_int("cd_steps", cd_steps)
        self.persistent = bool(persistent)
        self.propagate = check_in("propagate", propagate, PROPAGATIONS)
        self.seed = None if seed is None else check_positive_int("seed", seed, minimum=0)
        self.rbms = self._make_rbms(layers)
        self._layer_compile = {}

    def _make_rbms(self, layers):
        if not isinstance(layers, (list, tuple)) or len(layers) == 0:
            raise ValueError(
                "Expected `layers` to be a non-empty list of hidden sizes or RBMs. "
                f"Received: layers={layers!r}"
            )
        rbms = []
        for index, entry in enumerate(layers):
            if isinstance(entry, dict):
                entry = keras.saving.deserialize_keras_object(entry)
            if isinstance(entry, RBM):
                if index > 0 and entry.visible_type != "bernoulli":
                    raise ValueError(
                        f"Expected the RBM at `layers[{index}]` to have Bernoulli visible units "
                        f"(only the first layer may differ). Received: visible_type={entry.visible_type!r}"
                    )
                rbms.append(entry)
                continue
            units = check_positive_int(f"layers[{index}]", entry)
            seed = None if self.seed is None else self.seed + index
            options = dict(cd_steps=self.cd_steps, persistent=self.persistent, seed=seed,
                           name=f"rbm_{index}")
            if index == 0 and self.visible_type == "replicated_softmax":
                rbms.append(ReplicatedSoftmaxRBM(units, **options))
            else:
                visible = self.visible_type if index == 0 else "bernoulli"
                rbms.append(RBM(units, visible_type=visible, **options))
        for index in range(1, len(rbms)):
            below, above = rbms[index - 1], rbms[index]
            if above.built and above.visible_units != below.hidden_units:
                raise ValueError(
                    f"Expected `layers` to chain: layer {index} has {above.visible_units} visible units "
                    f"but layer {index - 1} has {below.hidden_units} hidden units. Received: layers with "
                    f"sizes {[r.hidden_units for r in rbms]}"
                )
        return rbms

    # ----------------------------------------------------------------- build
    def build(self, input_shape):
        units = int(input_shape[-1])
        for index, rbm in enumerate(self.rbms):
            if rbm.built:
                if rbm.visible_units != units:
                    name = "x" if index == 0 else "layers"
                    raise ValueError(
                        f"Expected `{name}` to chain with the RBM of layer {index} "
                        f"({rbm.visible_units} visible units). Received: {units} units"
                    )
            else:
                rbm.build((None, units))
            units = rbm.hidden_units
        self.data_units = int(input_shape[-1])
        self.built = True

    def get_build_config(self):
        return {"input_shape": [None, self.data_units]} if self.built else None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])

    @property
    def hidden_units(self):
        """Hidden sizes of the stack, bottom to top."""
        return [rbm.hidden_units for rbm in self.rbms]

    @property
    def code_bits(self):
        """Number of units of the top layer (bits of `binary_codes`)."""
        return self.rbms[-1].hidden_units

    def call(self, inputs):
        h = inputs
        for rbm in self.rbms:
            h = rbm.hidden_probabilities(h)
        return h

    # --------------------------------------------------------------- training
    def compile(self, optimizer=None, **kwargs):
        """Sets the optimizer (copied afresh for each layer) and compile options.

        Args:
            optimizer: optimizer or its name/config; default SGD(0.1).
            **kwargs: passed to each RBM's `compile` (`steps_per_execution`,
                `jit_compile`, ...); `loss` is ignored (CD is built in).
        """
        kwargs.pop("loss", None)
        optimizer = keras.optimizers.get(optimizer or keras.optimizers.SGD(learning_rate=0.1))
        self._layer_compile = dict(optimizer=keras.optimizers.serialize(optimizer), **kwargs)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        # Keras skips a custom `compile` on load; ours only adds defaults.
        self.compile(**keras.saving.deserialize_keras_object(config))

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            shuffle=True, layers=None, **kwargs):
        """Trains the RBMs greedily, bottom to top.

        Args:
            x: training data (NumPy array; SciPy sparse counts for a
                replicated-softmax first layer).
            y: ignored (unsupervised); accepted for Keras compatibility.
            batch_size: mini-batch size.
            epochs: epochs per layer: an int, or one int per layer.
            verbose: Keras verbosity (1: a progress bar per layer).
            callbacks: Keras callbacks, given to every layer's `fit`.
            shuffle: shuffle each epoch.
            layers: indices of the layers to train (default all); the others
                (e.g. already trained ones) only propagate the data upwards.
            **kwargs: other `RBM.fit` arguments.

        Returns:
            A `keras.callbacks.History` whose keys are prefixed `layer_<i>_`.
        """
        count = len(self.rbms)
        if isinstance(epochs, (list, tuple)):
            if len(epochs) != count:
                raise ValueError(
                    f"Expected `epochs` to be an int or one int per layer ({count}). Received: epochs={epochs!r}"
                )
            epochs = [check_positive_int("epochs", e) for e in epochs]
        else:
            epochs = [check_positive_int("epochs", epochs)] * count
        trained = list(range(count)) if layers is None else list(layers)
        for index in trained:
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < count:
                raise ValueError(f"Expected `layers` to hold layer indices in [0, {count}). Received: layers={layers!r}")
        data = self._check_input("x", x)
        if not self.built:
            self.build(data.shape)
        if not self._layer_compile:
            self.compile()
        history = keras.callbacks.History()
        history.history = {}
        for index, rbm in enumerate(self.rbms):
            if index in trained:
                if verbose:
                    print(f"DBN layer {index + 1}/{count}: {rbm.visible_units} -> {rbm.hidden_units} units")
                options = dict(self._layer_compile)
                options["optimizer"] = keras.optimizers.deserialize(options["optimizer"])
                rbm.compile(**options)
                result = rbm.fit(data, batch_size=batch_size, epochs=epochs[index], verbose=verbose,
                                 callbacks=callbacks, shuffle=shuffle, **kwargs)
                for key, values in result.history.items():
                    history.history[f"layer_{index}_{key}"] = values
            if index + 1 < count and any(i > index for i in trained):
                data = self._propagate(rbm, data)
        return history

    def _propagate(self, rbm, data, batch_size=4096):
        if self.propagate == "probabilities":
            return rbm.transform(data, batch_size=batch_size)
        parts = [ops.convert_to_numpy(rbm.sample_hidden(data[i : i + batch_size]))
                 for i in range(0, len(data), batch_size)]
        return np.concatenate(parts, axis=0)

    def _check_input(self, name, x):
        x = self.rbms[0]._visible_input(name, x, numpy=True, data=True)
        if isinstance(x, np.ndarray) and self.built and x.shape[-1] != self.data_units:
            raise ValueError(
                f"Expected `{name}` to have {self.data_units} columns. Received: {name} with shape {x.shape}"
            )
        return x

    # ------------------------------------------------------------------ uses
    def transform(self, x, batch_size=4096):
        """Top-layer features: the mean-field up-pass p(h_L = 1 | ... p(h_1 = 1 | x)).

        Returns:
            A float32 NumPy array (samples, top hidden units).
        """
        h = self._check_input("x", x)
        for rbm in self.rbms:
            h = rbm.transform(h, batch_size=batch_size)
        return h

    def binary_codes(self, x, bits=None, threshold=0.5, batch_size=4096):
        """Binary codes: the top-layer features thresholded (semantic hashing).

        Args:
            x: data.
            bits: expected code length; a `ValueError` if it is not the top
                layer's size (`None` skips the check).
            threshold: probability above which a bit is 1.

        Returns:
            A uint8 NumPy array (samples, bits) of 0/1, for
            `keras_gen.retrieval.hamming_search` / `mean_average_precision`.
        """
        if bits is not None and bits != self.code_bits:
            raise ValueError(
                f"Expected `bits` to equal the top layer's size {self.code_bits}. Received: bits={bits!r}"
            )
        return (self.transform(x, batch_size=batch_size) > threshold).astype("uint8")

    def generate(self, count, gibbs_steps=1000, seed=None, batch_size=4096):
        """Samples: Gibbs sampling in the top RBM, then a top-down pass.

        The top RBM's chains give the probabilities of the units below it;
        each lower RBM maps them down with E[v | h] (mean-field top-down
        pass), which gives cleaner pictures than binary samples.

        Args:
            count: number of samples, >= 1.
            gibbs_steps: Gibbs sweeps in the top RBM, >= 1.
            seed: int for reproducible samples, or `None`.

        Returns:
            A NumPy array (count, visible units): probabilities (Bernoulli),
            means (Gaussian) or word distributions (replicated softmax).
        """
        self._check_built("generate")
        h = self.rbms[-1].sample(count, gibbs_steps=gibbs_steps, seed=seed)
        if isinstance(self.rbms[-1], ReplicatedSoftmaxRBM):
            return h / h.sum(axis=-1, keepdims=True)
        for rbm in reversed(self.rbms[:-1]):
            h = np.concatenate([ops.convert_to_numpy(rbm.visible_mean(h[i : i + batch_size]))
                                for i in range(0, len(h), batch_size)], axis=0)
        return h

    def _check_built(self, what):
        if not self.built:
            raise ValueError(f"Expected a trained DBN for `{what}`: call `fit` first. Received: an unbuilt DBN")

    def to_classifier(self, num_classes, dropout=0.0, input_dropout=None, name=None):
        """A plain Keras classifier initialised from the DBN, for backprop fine-tuning.

        Dense sigmoid layers carry the RBMs' weights and hidden biases; a new
        softmax layer of `num_classes` units sits on top. Compile and fit it
        like any Keras model (`sparse_categorical_crossentropy`).

        Args:
            num_classes: number of classes, >= 2.
            dropout: dropout rate before each hidden-to-hidden and the output
                layer, in [0, 1) (Hinton et al. 2012 fine-tune with 0.5).
            input_dropout: dropout rate on the input (default `dropout`;
                0.2 in Hinton et al. 2012).
            name: model name.

        Returns:
            An uncompiled functional `keras.Model` (x -> class probabilities).
        """
        num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        input_dropout = dropout if input_dropout is None else input_dropout
        for label, rate in (("dropout", dropout), ("input_dropout", input_dropout)):
            if not 0.0 <= float(rate) < 1.0:
                raise ValueError(f"Expected `{label}` to be in [0, 1). Received: {label}={rate!r}")
        self._check_built("to_classifier")
        inputs = keras.Input((self.data_units,), name="visible")
        h = inputs
        for index, rbm in enumerate(self.rbms):
            rate = input_dropout if index == 0 else dropout
            if rate:
                h = keras.layers.Dropout(rate, seed=self.seed, name=f"dropout_{index}")(h)
            h = self._up_layers_one(index, rbm, h)
        if dropout:
            h = keras.layers.Dropout(dropout, seed=self.seed, name=f"dropout_{len(self.rbms)}")(h)
        initializer = keras.initializers.GlorotUniform(seed=self.seed)
        outputs = keras.layers.Dense(num_classes, activation="softmax", kernel_initializer=initializer,
                                     name="classes")(h)
        return keras.Model(inputs, outputs, name=name or f"{self.name}_classifier")

    def _up_layers_one(self, index, rbm, h):
        dense = keras.layers.Dense(rbm.hidden_units, activation="sigmoid", name=f"hidden_{index}")
        h = dense(h)
        if isinstance(rbm, ReplicatedSoftmaxRBM):
            dense.set_weights([rbm.effective_kernel(), np.zeros(rbm.hidden_units, "float32")])
        else:
            dense.set_weights([ops.convert_to_numpy(rbm.kernel), ops.convert_to_numpy(rbm.hidden_bias)])
        return h

    def export_parts(self):
        """`features` (x -> top probabilities) and `binary_codes` (x -> 0/1 codes),
        both deterministic mean-field up-passes, for ONNX/TFLite export."""
        self._check_built("export_parts")
        first = self.rbms[0]
        if isinstance(first, ReplicatedSoftmaxRBM):
            visible = {"range": [0.0, 5.0], "distribution": "uniform",
                       "description": "word counts of one document (the range is for test inputs)"}
        elif first.visible_type == "gaussian":
            visible = {"range": None, "distribution": "normal", "description": "standardized data vector"}
        else:
            visible = {"range": [0.0, 1.0], "distribution": "binary", "description": "data vector in [0, 1]"}
        parts = {}
        for part in ("features", "binary_codes"):
            inputs = keras.Input((self.data_units,), name="visible")
            h = inputs
            for index, rbm in enumerate(self.rbms):
                h = self._up_layers_one(index, rbm, h)
            if part == "binary_codes":
                h = _BinaryThreshold(0.5, name="codes")(h)
            model = keras.Model(inputs, h, name=f"{self.name}_{part}")
            parts[part] = (model, {"inputs": {"visible": dict(visible)}, "output_range": [0.0, 1.0]})
        return parts

    def get_config(self):
        config = super().get_config()
        config.update(
            layers=[keras.saving.serialize_keras_object(rbm) for rbm in self.rbms],
            visible_type=self.visible_type,
            cd_steps=self.cd_steps,
            persistent=self.persistent,
            propagate=self.propagate,
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
