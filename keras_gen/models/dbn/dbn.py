"""Deep Belief Network: a stack of RBMs trained greedily, layer by layer."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.dbn.dbn_sampling import DBNSampling
from keras_gen.models.dbn.feed_forward import DBNFeedForward
from keras_gen.models.dbn.feed_forward import input_units as _input_units
from keras_gen.models.dbn.tied_start import UPPER_INITS
from keras_gen.models.dbn.tied_start import check_tieable
from keras_gen.models.dbn.tied_start import is_fresh
from keras_gen.models.dbn.tied_start import tie
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.rbm.classification_rbm import ClassificationRBM
from keras_gen.models.rbm.generative_training import initialize_visible_bias
from keras_gen.models.rbm.replicated_softmax_rbm import ReplicatedSoftmaxRBM
from keras_gen.models.rbm.rbm import RBM
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int

__all__ = ["DBN"]

VISIBLE_TYPES = ("bernoulli", "gaussian", "replicated_softmax")
PROPAGATIONS = ("probabilities", "samples")


@keras.saving.register_keras_serializable(package="keras_gen")
class DBN(DBNSampling, DBNFeedForward, GenerativeModel):
    """Deep Belief Network: RBMs stacked and trained greedily through `fit`.

    `fit(x)` trains the first RBM on `x`, then each next RBM on the hidden
    probabilities (or binary samples, `propagate="samples"`) of the one below
    (Hinton, Osindero & Teh 2006), with a Keras progress bar per layer. With
    `num_classes`, the top RBM models `[h_top-1, one-hot label]`
    and `fit(x, y)` trains it on the labels too. The trained stack gives
    features (`transform`, the mean-field up-pass), binary codes for Hamming
    retrieval (`binary_codes`), samples (`sample`: Gibbs sampling in the top
    RBM, then ancestral sampling down; `label=k` for digits of class k) and
    the initial weights of a classifier for backprop fine-tuning
    (`to_classifier`). Calling the model gives the top-layer features.

    For a good generative model start each layer from its data's log-odds
    (`visible_bias_init="data"`) and train it like a generative RBM:
    `persistent=True` and, per layer, `compile(optimizer=
    keras_gen.models.rbm.generative_training.generative_optimizer(...))`
    (decaying learning rate, weight averaging) before `fit(x, layers=[i])`.
    `keras_gen.models.dbn.likelihood_bound.ais_lower_bound` estimates the
    variational lower bound on its test log-likelihood.

    Args:
        layers: non-empty list; each entry is the hidden size of a new RBM
            (an int) or an `RBM` instance, possibly already trained (its sizes
            must chain with its neighbours').
        visible_type: units of the first layer when it is created here:
            `"bernoulli"` (data in [0, 1]), `"gaussian"` (standardized real
            data) or `"replicated_softmax"` (bag-of-words counts).
        cd_steps: Gibbs sweeps of the negative phase of the created RBMs.
        persistent: train the created RBMs with PCD.
        persistent_chains: persistent chains of the created RBMs.
        visible_bias_init: `"zeros"`, or `"data"`: each Bernoulli layer
            trained while its visible biases are all zero starts them at the
            log-odds of its data's means (Hinton 2010, section 8.1).
        num_classes: `None`, or the number of labels (>= 2) of a labelled
            top RBM (a `ClassificationRBM` over the top-1 layer and labels).
        propagate: what an upper layer is trained on: `"probabilities"` or
            `"samples"` of the layer below.
        upper_init: how a fresh upper RBM starts: `"random"` (its
            initializer), or `"tied"`: the layer below turned upside down
            (weights transposed, biases swapped), so that the DBN starts as
            exactly the model below and its variational bound starts at that
            model's log-likelihood; exact maximum-likelihood training of the
            new layer could only raise it (Hinton, Osindero & Teh 2006,
            section 4).
            A tied layer needs at least as many hidden units as the layer
            below has inputs, and a Bernoulli layer below; its extra hidden
            units start with weights at a tenth of its initializer's.
        seed: seed of the created RBMs (layer `i` gets `seed + i`) and of
            the DBN's own generator (sampling down the layers).
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
    >>> dbn.sample(2, seed=0, gibbs_steps=10).shape
    (2, 16)

    References:
        Hinton, Osindero & Teh, "A fast learning algorithm for deep belief
        nets", Neural Computation 2006; Hinton & Salakhutdinov, "Reducing
        the dimensionality of data with neural networks", Science 2006.
    """

    def __init__(self, layers, visible_type="bernoulli", cd_steps=1, persistent=False, persistent_chains=100,
                 visible_bias_init="zeros", num_classes=None, propagate="probabilities", upper_init="random",
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.visible_type = check_in("visible_type", visible_type, VISIBLE_TYPES)
        self.cd_steps = check_positive_int("cd_steps", cd_steps)
        self.persistent = bool(persistent)
        self.persistent_chains = check_positive_int("persistent_chains", persistent_chains)
        self.visible_bias_init = check_in("visible_bias_init", visible_bias_init, ("zeros", "data"))
        self.num_classes = None if num_classes is None else check_positive_int("num_classes", num_classes, minimum=2)
        self.propagate = check_in("propagate", propagate, PROPAGATIONS)
        self.upper_init = check_in("upper_init", upper_init, UPPER_INITS)
        self.seed = None if seed is None else check_positive_int("seed", seed, minimum=0)
        self.seed_generator = ReplicaSeedGenerator(self.seed)
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
            top = index == len(layers) - 1
            if isinstance(entry, RBM):
                if top and self.num_classes and getattr(entry, "num_classes", None) != self.num_classes:
                    raise ValueError(
                        f"Expected the top RBM to be a ClassificationRBM with {self.num_classes} classes. "
                        f"Received: {type(entry).__name__} with num_classes={getattr(entry, 'num_classes', None)}")
                if index > 0 and entry.visible_type != "bernoulli":
                    raise ValueError(
                        f"Expected the RBM at `layers[{index}]` to have Bernoulli visible units "
                        f"(only the first layer may differ). Received: visible_type={entry.visible_type!r}"
                    )
                rbms.append(entry)
                continue
            units = check_positive_int(f"layers[{index}]", entry)
            seed = None if self.seed is None else self.seed + index
            options = dict(cd_steps=self.cd_steps, persistent=self.persistent,
                           persistent_chains=self.persistent_chains, seed=seed, name=f"rbm_{index}")
            if top and self.num_classes:
                if index == 0 and self.visible_type != "bernoulli":
                    raise ValueError("Expected `visible_type='bernoulli'` for a one-layer labelled DBN. "
                                     f"Received: visible_type={self.visible_type!r}")
                rbms.append(ClassificationRBM(units, self.num_classes, **options))
            elif index == 0 and self.visible_type == "replicated_softmax":
                rbms.append(ReplicatedSoftmaxRBM(units, **options))
            else:
                visible = self.visible_type if index == 0 else "bernoulli"
                rbms.append(RBM(units, visible_type=visible, **options))
        for index in range(1, len(rbms)):
            below, above = rbms[index - 1], rbms[index]
            if above.built and _input_units(above) != below.hidden_units:
                raise ValueError(
                    f"Expected `layers` to chain: layer {index} has {_input_units(above)} visible units "
                    f"but layer {index - 1} has {below.hidden_units} hidden units. Received: layers with "
                    f"sizes {[r.hidden_units for r in rbms]}"
                )
        return rbms

    # ----------------------------------------------------------------- build
    def build(self, input_shape):
        units = int(input_shape[-1])
        for index, rbm in enumerate(self.rbms):
            if rbm.built:
                if _input_units(rbm) != units:
                    name = "x" if index == 0 else "layers"
                    raise ValueError(
                        f"Expected `{name}` to chain with the RBM of layer {index} "
                        f"({_input_units(rbm)} visible units). Received: {units} units"
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
        for rbm in self.rbms[:-1]:
            h = rbm.hidden_probabilities(h)
        top = self.rbms[-1]
        return top.data_hidden_probabilities(h) if self.num_classes else top.hidden_probabilities(h)

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
            y: labels (integers) for a labelled top layer (`num_classes`),
                which its RBM learns with the top-1 layer; otherwise ignored
                (accepted for Keras compatibility).
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
                raise ValueError(f"Expected `layers` to hold layer indices in [0, {count}). "
                                 f"Received: layers={layers!r}")
        data = self._check_input("x", x)
        if self.num_classes and count - 1 in trained and y is None:
            raise ValueError("Expected labels `y` to train the labelled top layer of a DBN with "
                             f"num_classes={self.num_classes}. Received: y=None")
        if not self.built:
            self.build(data.shape)
        tied = [i for i in trained if i > 0 and self.upper_init == "tied" and is_fresh(self.rbms[i])]
        for index in tied:
            check_tieable(self.rbms, index)
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
                labels = y if index == count - 1 and self.num_classes else None
                if index in tied:
                    tie(self.rbms[index - 1], rbm)
                if self.visible_bias_init == "data":
                    self._initialize_visible_bias(rbm, data, labels)
                rbm.compile(**options)
                result = rbm.fit(data, labels, batch_size=batch_size, epochs=epochs[index], verbose=verbose,
                                 callbacks=callbacks, shuffle=shuffle, **kwargs)
                for key, values in result.history.items():
                    history.history[f"layer_{index}_{key}"] = values
            if index + 1 < count and any(i > index for i in trained):
                data = self._propagate(rbm, data)
        return history

    @staticmethod
    def _initialize_visible_bias(rbm, data, labels):
        # Only a fresh Bernoulli layer (all-zero visible biases): trained ones are kept.
        if rbm.visible_type != "bernoulli" or np.any(ops.convert_to_numpy(rbm.visible_bias)):
            return
        initialize_visible_bias(rbm, data if getattr(rbm, "num_classes", None) is None else (data, labels))

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

    def _check_built(self, what):
        if not self.built:
            raise ValueError(f"Expected a trained DBN for `{what}`: call `fit` first. Received: an unbuilt DBN")

    def get_config(self):
        config = super().get_config()
        config.update(
            layers=[keras.saving.serialize_keras_object(rbm) for rbm in self.rbms],
            visible_type=self.visible_type,
            cd_steps=self.cd_steps,
            persistent=self.persistent,
            persistent_chains=self.persistent_chains,
            visible_bias_init=self.visible_bias_init,
            num_classes=self.num_classes,
            propagate=self.propagate,
            upper_init=self.upper_init,
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

