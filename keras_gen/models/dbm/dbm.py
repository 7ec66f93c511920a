"""Two-layer Deep Boltzmann Machine (Salakhutdinov & Hinton 2009)."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.rbm.bipartite_ais import softmax_group
from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.models.dbm.centering import add_offsets
from keras_gen.models.dbm.centering import centering_term
from keras_gen.models.dbm.centering import check_centering
from keras_gen.models.dbm.centering import update_offsets
from keras_gen.models.dbm.feed_forward import DBMFeedForward
from keras_gen.models.dbm.pretraining import pretrain_layers
from keras_gen.models.dbm.sampling import DBMSampling
from keras_gen.models.dbm.sparsity import check_sparsity_targets
from keras_gen.models.dbm.sparsity import sparsity_penalty
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_array
from keras_gen.utils import check_class_labels
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils.seed_state import owned_seed_generators
from keras_gen.utils.seed_state import restore_seed_states

__all__ = ["DBM"]


@keras.saving.register_keras_serializable(package="keras_gen")
class DBM(DBMFeedForward, DBMSampling, GenerativeModel):
    """Deep Boltzmann Machine with two hidden layers, trained through `fit`.

    Energy `E(v, h1, h2) = -v W1 h1 - h1 W2 h2 - v.b - h1.c1 - h2.c2`. The
    data term of the likelihood gradient uses mean-field marginals
    `q(h1), q(h2)` (`mean_field_steps` fixed-point updates started from a
    recognition pass with doubled bottom-up weights); the model term uses
    `persistent_chains` persistent Gibbs chains advanced `gibbs_steps`
    sweeps per update, their hidden statistics Rao-Blackwellised (each
    layer's conditional probabilities in place of its states), as in
    Salakhutdinov & Hinton (2009). `fit` minimizes the surrogate
    `mean E(v, q) - mean E(chains)` whose gradient is that update. Call
    `pretrain(x)` first: a greedy stack of two RBMs with the doubling trick
    initialises the weights (`fit` refuses a DBM that was not pretrained:
    joint training from small random weights does not learn). Train jointly
    with a small, decaying learning rate and weight decay, e.g.
    `keras_gen.models.rbm.generative_training.generative_optimizer(0.001,
    steps, momentum=0.9, weight_average=0.0, weight_decay=2e-4)` (the
    paper's 0.001, 2e-4 and 5 sweeps). Calling the model gives `q(h2 | v)`.
    Like the RBM, it computes in float32 under a mixed-precision policy
    (its update is a difference of data and model statistics).

    With `num_classes`, a softmax group of label units `l` joins the top
    layer, as in the paper's MNIST model: the energy gains `- l U h2 - l.d`,
    `pretrain(x, y)` trains the top RBM on `[h1, one_hot(y)]` and `fit(x, y)`
    clamps the labels in the data term while the chains draw them. Without
    labels (`transform`, `mean_field`) they are inferred with the hidden
    layers; `to_classifier` starts its softmax layer from `U` and `d`, and
    `sample(count, label=k)` draws digits of class k.

    Args:
        hidden_units: sizes of the two hidden layers `(h1, h2)`.
        mean_field_steps: mean-field updates per data batch, >= 1.
        gibbs_steps: Gibbs sweeps of the persistent chains per update, >= 1
            (5 in the paper's code).
        persistent_chains: number of persistent chains.
        seed: seed of the model's `SeedGenerator` and initializers.
        num_classes: `None`, or the number of label units (>= 2) joined
            to the top layer.
        sparsity_targets: `None`, or target mean activations `(h1, h2)` on
            the data that joint training pulls the hidden units toward
            (MGL's MNIST DBM: `(0.2, 0.1)`; see `sparsity.sparsity_penalty`).
        sparsity_cost: weight of that pull, >= 0 (MGL: 0.001).
        centering: `None`, or the sliding rate in (0, 1] of per-unit offsets
            (the layers' mean activities on the data) that joint training
            centers its update on (Montavon & Müller 2012; see
            `centering.centering_term`). The model stays an ordinary DBM.
        **kwargs: `keras.Model` arguments.

    Returns:
        A `keras.Model`; `model(v)` gives the mean-field `q(h2 = 1 | v)`.

    Example:

    >>> import numpy as np
    >>> x = (np.random.default_rng(0).random((64, 16)) > 0.5).astype("float32")
    >>> dbm = DBM((12, 8), persistent_chains=16, seed=0)
    >>> _ = dbm.pretrain(x, epochs=1, batch_size=16, verbose=0)
    >>> dbm.compile(optimizer=keras.optimizers.SGD(0.01))
    >>> _ = dbm.fit(x, batch_size=16, epochs=1, verbose=0)
    >>> dbm.transform(x).shape
    (64, 8)

    References:
        Salakhutdinov & Hinton, "Deep Boltzmann machines", AISTATS 2009;
        Salakhutdinov & Larochelle, "Efficient learning of deep Boltzmann
        machines", AISTATS 2010.
    """

    def __init__(self, hidden_units=(500, 1000), mean_field_steps=10, gibbs_steps=5, persistent_chains=100,
                 seed=None, num_classes=None, sparsity_targets=None, sparsity_cost=0.001, centering=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(hidden_units, (list, tuple)) or len(hidden_units) != 2:
            raise ValueError(
                f"Expected `hidden_units` to be two layer sizes (h1, h2). Received: hidden_units={hidden_units!r}"
            )
        self.hidden_units = tuple(check_positive_int("hidden_units", units) for units in hidden_units)
        self.mean_field_steps = check_positive_int("mean_field_steps", mean_field_steps)
        self.gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        self.persistent_chains = check_positive_int("persistent_chains", persistent_chains)
        self.seed = None if seed is None else check_positive_int("seed", seed, minimum=0)
        self.num_classes = None if num_classes is None else check_positive_int("num_classes", num_classes, minimum=2)
        self.sparsity_targets = check_sparsity_targets(sparsity_targets)
        self.sparsity_cost = check_non_negative("sparsity_cost", sparsity_cost)
        self.centering = check_centering(centering)
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_error")
        self._compiled_functions = {}

    def build(self, input_shape):
        self.data_units = units = int(input_shape[-1])
        first, second = self.hidden_units
        initializer = keras.initializers.RandomNormal(stddev=0.01, seed=self.seed)
        self.kernel_1 = self.add_weight(shape=(units, first), initializer=initializer, name="kernel_1")
        self.kernel_2 = self.add_weight(shape=(first, second), initializer=initializer, name="kernel_2")
        self.visible_bias = self.add_weight(shape=(units,), initializer="zeros", name="visible_bias")
        self.hidden_bias_1 = self.add_weight(shape=(first,), initializer="zeros", name="hidden_bias_1")
        self.hidden_bias_2 = self.add_weight(shape=(second,), initializer="zeros", name="hidden_bias_2")
        chains = self.persistent_chains
        self.chains_visible = self.add_weight(shape=(chains, units), initializer="zeros", trainable=False,
                                              name="chains_visible")
        self.chains_hidden_1 = self.add_weight(shape=(chains, first), initializer="zeros", trainable=False,
                                               name="chains_hidden_1")
        self.chains_hidden_2 = self.add_weight(shape=(chains, second), initializer="zeros", trainable=False,
                                               name="chains_hidden_2")
        self.chains_started = self.add_weight(shape=(), initializer="zeros", trainable=False, name="chains_started")
        self.pretrained = self.add_weight(shape=(), initializer="zeros", trainable=False, name="pretrained")
        if self.num_classes:
            classes = self.num_classes
            self.label_kernel = self.add_weight(shape=(classes, second), initializer=initializer, name="label_kernel")
            self.label_bias = self.add_weight(shape=(classes,), initializer="zeros", name="label_bias")
            self.chains_labels = self.add_weight(shape=(chains, classes), initializer="zeros", trainable=False,
                                                 name="chains_labels")
        if self.centering:
            add_offsets(self)
        self.input_spec = keras.InputSpec(axes={-1: units})
        self.built = True

    def _energy_variables(self):
        labels = [self.label_kernel, self.label_bias] if self.num_classes else []
        return [self.kernel_1, self.kernel_2, self.visible_bias, self.hidden_bias_1, self.hidden_bias_2] + labels

    # ----------------------------------------------------------- conditionals
    def _hidden_1(self, v, h2):
        return ops.sigmoid(ops.matmul(v, self.kernel_1) + ops.matmul(h2, ops.transpose(self.kernel_2))
                           + self.hidden_bias_1)

    def _hidden_2(self, h1, labels=None):
        preactivation = ops.matmul(h1, self.kernel_2) + self.hidden_bias_2
        if labels is not None:
            preactivation = preactivation + ops.matmul(labels, self.label_kernel)
        return ops.sigmoid(preactivation)

    def _label_preactivation(self, h2):
        return ops.matmul(h2, ops.transpose(self.label_kernel)) + self.label_bias

    def _labels(self, h2):
        return ops.softmax(self._label_preactivation(h2), axis=-1)

    def _visible(self, h1):
        return ops.sigmoid(ops.matmul(h1, ops.transpose(self.kernel_1)) + self.visible_bias)

    def mean_field(self, v, steps=None):
        """Mean-field marginals `(q(h1), q(h2))` of the posterior given `v` (tensors).

        Starts from the recognition pass `q(h1) = sigmoid(2 v W1 + c1)`,
        `q(h2) = sigmoid(q(h1) W2 + c2)`, then alternates the fixed-point
        updates `steps` times (default `mean_field_steps`). Label units, if
        any, are inferred with them (`mean_field_with_labels`).
        """
        return self.mean_field_with_labels(v, steps)[:2]

    def mean_field_with_labels(self, v, steps=None, labels=None):
        """`(q(h1), q(h2), q(l))` given `v`, and the labels where `labels` clamps them (tensors).

        `q(l)` is `None` without label units; unclamped, it starts uniform in
        the recognition pass and is updated with `q(h1)` (both given `q(h2)`).
        """
        v = ops.convert_to_tensor(v, "float32")
        if self.num_classes and labels is None:
            q_labels = ops.full((ops.shape(v)[0], self.num_classes), 1.0 / self.num_classes)
        else:
            q_labels = None if labels is None else ops.convert_to_tensor(labels, "float32")
        mu1 = ops.sigmoid(2.0 * ops.matmul(v, self.kernel_1) + self.hidden_bias_1)
        mu2 = self._hidden_2(mu1, q_labels)
        for _ in range(self.mean_field_steps if steps is None else steps):
            mu1 = self._hidden_1(v, mu2)
            if self.num_classes and labels is None:
                q_labels = self._labels(mu2)
            mu2 = self._hidden_2(mu1, q_labels)
        return mu1, mu2, q_labels

    def energy(self, v, h1, h2, labels=None):
        """E(v, h1, h2[, l]), one value per row (also for marginals in place of states)."""
        terms = (ops.sum(ops.matmul(v, self.kernel_1) * h1, axis=-1)
                 + ops.sum(ops.matmul(h1, self.kernel_2) * h2, axis=-1)
                 + ops.sum(v * self.visible_bias, axis=-1) + ops.sum(h1 * self.hidden_bias_1, axis=-1)
                 + ops.sum(h2 * self.hidden_bias_2, axis=-1))
        if labels is not None:
            terms = terms + (ops.sum(ops.matmul(labels, self.label_kernel) * h2, axis=-1)
                             + ops.sum(labels * self.label_bias, axis=-1))
        return -terms

    def gibbs_sweep(self, v, h2, stream, labels=None):
        """One sweep of block Gibbs sampling; returns `(v, h1, h2, E[v | h1], l)`.

        h1 ~ p(h1 | v, h2) and the label units l ~ p(l | h2) (kept at
        `labels` where given; `None` without label units), then
        v ~ p(v | h1) and h2 ~ p(h2 | h1, l).
        """
        h1 = stream.bernoulli(self._hidden_1(v, h2))
        if self.num_classes and labels is None:
            labels = softmax_group(self.num_classes).sample(self._label_preactivation(h2), stream)
        mean = self._visible(h1)
        return stream.bernoulli(mean), h1, stream.bernoulli(self._hidden_2(h1, labels)), mean, labels

    def call(self, inputs):
        return self.mean_field(inputs)[1]

    # --------------------------------------------------------------- training
    def pretrain(self, x, y=None, epochs=1, batch_size=100, optimizer=None, learning_rate=0.05, momentum=0.5,
                 cd_steps=1, verbose="auto", callbacks=None, **compile_kwargs):
        """Greedy pretraining with the doubling trick, then copies the weights in.

        The bottom RBM (v -> h1) counts `v` twice going up, the top RBM
        (h1 -> h2) counts `h2` twice going down and is trained on the bottom
        one's doubled-input probabilities (`pretraining.pretrain_layers`).
        `h1`'s bias is the average of the two RBMs' biases for it, as its
        input in the DBM is half of each RBM's doubled one. With label
        units, the top RBM models `[h1, one_hot(y)]`.

        Args:
            x: training data in [0, 1].
            y: integer class labels of `x` (DBMs with label units only).
            epochs: epochs per RBM (an int or a pair).
            batch_size: mini-batch size.
            optimizer: optimizer (or config) for both RBMs; default SGD at
                `learning_rate` falling linearly to 2 % of it, `momentum`.
            learning_rate, momentum: of the default optimizer.
            cd_steps: Gibbs sweeps of CD-k per RBM (an int or a pair).
            verbose: Keras verbosity.
            callbacks: Keras callbacks given to both RBMs' `fit`.
            **compile_kwargs: `steps_per_execution`, `jit_compile`, ...

        Returns:
            The two pretraining `History` objects.
        """
        x = self._check_input("x", x)
        labels = self._check_labels(y, len(x))
        if not self.built:
            self.build(x.shape)
        bottom, top, histories = pretrain_layers(
            self.hidden_units, x, epochs, batch_size=batch_size, optimizer=optimizer, learning_rate=learning_rate,
            momentum=momentum, cd_steps=cd_steps, seed=self.seed, verbose=verbose, callbacks=callbacks,
            labels=None if labels is None else np.argmax(labels, axis=1), num_classes=self.num_classes,
            **compile_kwargs)
        first = self.hidden_units[0]
        self.kernel_1.assign(bottom.kernel)
        self.kernel_2.assign(top.kernel[:first])
        self.visible_bias.assign(bottom.visible_bias)
        self.hidden_bias_1.assign(0.5 * (bottom.hidden_bias + top.visible_bias[:first]))
        self.hidden_bias_2.assign(top.hidden_bias)
        if self.num_classes:
            self.label_kernel.assign(top.kernel[first:])
            self.label_bias.assign(top.visible_bias[first:])
        self.chains_started.assign(0.0)
        self.pretrained.assign(1.0)
        return histories

    def compile(self, optimizer=None, **kwargs):
        """Compiles for joint training; `optimizer` defaults to SGD(0.001, momentum=0.9)."""
        kwargs.pop("loss", None)
        super().compile(optimizer=optimizer or keras.optimizers.SGD(0.001, momentum=0.9), **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def check_fit_data(self, x, y, kwargs):
        if isinstance(x, (np.ndarray, list)):
            x = self._check_input("x", x)
        if not self.built or float(ops.convert_to_numpy(self.pretrained)) == 0.0:
            raise ValueError(
                "Expected a pretrained DBM: call `pretrain(x)` before `fit` (joint training from small random "
                "weights does not learn, Salakhutdinov & Hinton 2009). Received: a DBM that was not pretrained")
        if isinstance(x, np.ndarray):
            y = self._check_labels(y, len(x))
        return super().check_fit_data(x, y, kwargs)

    def _check_labels(self, y, count):
        """One-hot labels for the label units: required with them, refused without them."""
        self._require_labels(y, "y=None")
        return check_class_labels("y", y, count, self.num_classes, model="DBM")

    def _require_labels(self, y, received):
        if self.num_classes and y is None:
            raise ValueError(f"Expected labels `y` for a DBM with label units (num_classes={self.num_classes}). "
                             f"Received: {received}")

    def _one_hot(self, y):
        y = ops.convert_to_tensor(y)
        if len(y.shape) == 2 and y.shape[-1] == self.num_classes:
            return ops.cast(y, "float32")
        return ops.one_hot(ops.cast(ops.reshape(y, (-1,)), "int32"), self.num_classes)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean-field data term minus the persistent chains' (Rao-Blackwellised) model term."""
        v = ops.cast(x, "float32")
        # A generator or dataset of images alone (arrays are checked before `fit` starts).
        self._require_labels(y, "batches without labels")
        labels = self._one_hot(y) if self.num_classes else None
        mu1, mu2, _ = self.mean_field_with_labels(v, labels=labels)
        mu1, mu2 = ops.stop_gradient(mu1), ops.stop_gradient(mu2)
        stream = RandomStream(self.seed_generator)
        chain_v, chain_h1, chain_h2, chain_l = self._persistent_chains(v, mu2, stream, advance=training)
        # Rao-Blackwellised model statistics: E[h1 | v, h2] beside v, E[h2 | h1, l]
        # beside h1 and l, E[l | h2] for the label biases (the paper's code
        # does the same); unbiased, less noisy.
        p1 = ops.stop_gradient(self._hidden_1(chain_v, chain_h2))
        p2 = ops.stop_gradient(self._hidden_2(chain_h1, chain_l))
        p_labels = None
        chain_v, chain_h1 = ops.stop_gradient(chain_v), ops.stop_gradient(chain_h1)
        model_term = -(ops.sum(ops.matmul(chain_v, self.kernel_1) * p1, axis=-1)
                       + ops.sum(ops.matmul(chain_h1, self.kernel_2) * p2, axis=-1)
                       + ops.sum(chain_v * self.visible_bias, axis=-1) + ops.sum(p1 * self.hidden_bias_1, axis=-1)
                       + ops.sum(p2 * self.hidden_bias_2, axis=-1))
        if self.num_classes:
            chain_l, p_labels = ops.stop_gradient(chain_l), ops.stop_gradient(self._labels(chain_h2))
            model_term = model_term - (ops.sum(ops.matmul(chain_l, self.label_kernel) * p2, axis=-1)
                                       + ops.sum(p_labels * self.label_bias, axis=-1))
        loss = ops.mean(self.energy(v, mu1, mu2, labels)) - ops.mean(model_term)
        if self.centering:
            if training:
                update_offsets(self, (v, mu1, mu2, labels))
            term = centering_term(self, (v, mu1, mu2, labels), (chain_v, chain_h1, p1, p2, chain_l, p_labels))
            loss = loss + term - ops.stop_gradient(term)  # the update is centered; the reported loss is not changed
        if self.sparsity_targets:
            loss = loss + sparsity_penalty(self, v, mu1, mu2)
        self.reconstruction_tracker.update_state(ops.mean(ops.square(v - self._visible(mu1)), axis=-1))
        stream.commit()
        return scale_loss_for_replicas(loss)

    # ------------------------------------------------------------------ uses
    def _check_input(self, name, x):
        return check_array(name, ops.convert_to_numpy(x) if ops.is_tensor(x) else x, ndim=2,
                           last_dim=self.data_units if self.built else None, value_range=(0, 1))

    def _check_built(self, what):
        if not self.built:
            raise ValueError(f"Expected a built DBM for `{what}`: call `pretrain` or `fit` first. "
                             "Received: an unbuilt DBM")

    def transform(self, x, layer=2, batch_size=4096):
        """Mean-field marginals of hidden layer `layer` (1 or 2) as features (NumPy)."""
        self._check_built("transform")
        if layer not in (1, 2):
            raise ValueError(f"Expected `layer` to be 1 or 2. Received: layer={layer!r}")
        x = self._check_input("x", x)
        return np.concatenate([ops.convert_to_numpy(self.mean_field(x[i : i + batch_size])[layer - 1])
                               for i in range(0, len(x), batch_size)], axis=0)

    def load_own_variables(self, store):
        store = restore_seed_states(store, owned_seed_generators(self))
        count = len(self._trainable_variables) + len(self._non_trainable_variables)
        if len(store.keys()) == count - 1:
            # Saved before the `pretrained` flag existed: such DBMs were pretrained.
            store = {**{key: store[key] for key in store.keys()}, str(count - 1): np.ones((), "float32")}
        super().load_own_variables(store)

    def get_build_config(self):
        return {"input_shape": [None, self.data_units]} if self.built else None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])

    def get_config(self):
        config = super().get_config()
        config.update(hidden_units=list(self.hidden_units), mean_field_steps=self.mean_field_steps,
                      gibbs_steps=self.gibbs_steps, persistent_chains=self.persistent_chains, seed=self.seed,
                      num_classes=self.num_classes,
                      sparsity_targets=None if self.sparsity_targets is None else list(self.sparsity_targets),
                      sparsity_cost=self.sparsity_cost, centering=self.centering)
        return config
