"""Classification RBM: a joint RBM over data and one-hot label units."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.rbm import RBM
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_array
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["ClassificationRBM"]


@keras.saving.register_keras_serializable(package="keras_gen")
class ClassificationRBM(RBM):
    """RBM over Bernoulli data units and a softmax group of label units.

    The visible vector is `[x, one_hot(y)]`: `kernel` has `data_units +
    num_classes` rows, the last `num_classes` of them (and of
    `visible_bias`) belonging to the labels. It is trained generatively
    with CD-k/PCD on `fit(x, y)`; with `discriminative_weight > 0` the exact
    `-log p(y | x)` is added (the hybrid objective of Larochelle & Bengio).
    A label is predicted as the one with the lowest free energy
    `F(x, y)`, i.e. `p(y | x) = softmax(-F(x, y))`.

    Args:
        hidden_units: number of hidden units, >= 1.
        num_classes: number of labels, >= 2.
        cd_steps: Gibbs sweeps of the negative phase, >= 1.
        persistent: use persistent chains (PCD).
        persistent_chains: number of persistent chains.
        discriminative_weight: weight of `-log p(y | x)` in the loss, >= 0.
        kernel_initializer: initializer of `kernel`.
        seed: seed of the model's `SeedGenerator`.
        **kwargs: `keras.Model` arguments.

    Returns:
        A `keras.Model`; `model(x)` gives p(y | x).

    Example:

    >>> import numpy as np
    >>> x = (np.random.default_rng(0).random((40, 12)) > 0.5).astype("float32")
    >>> y = np.arange(40) % 3
    >>> model = ClassificationRBM(hidden_units=8, num_classes=3, seed=0)
    >>> model.compile()
    >>> _ = model.fit(x, y, batch_size=10, epochs=1, verbose=0)
    >>> model.predict(x).shape
    (40,)

    Reference:
        Larochelle & Bengio, "Classification using discriminative restricted
        Boltzmann machines", ICML 2008.
    """

    tracks_pseudo_likelihood = False

    def __init__(
        self,
        hidden_units,
        num_classes,
        cd_steps=1,
        persistent=False,
        persistent_chains=100,
        discriminative_weight=0.0,
        kernel_initializer=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            hidden_units, visible_type="bernoulli", cd_steps=cd_steps, persistent=persistent,
            persistent_chains=persistent_chains, kernel_initializer=kernel_initializer, seed=seed,
            **kwargs,
        )
        self.num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        self.discriminative_weight = check_non_negative("discriminative_weight", discriminative_weight)
        self.accuracy_tracker = keras.metrics.Mean(name="accuracy")

    def build(self, input_shape):
        self.data_units = int(input_shape[-1])
        self._build_parameters(self.data_units + self.num_classes)
        self.input_spec = keras.InputSpec(axes={-1: self.data_units})
        self.built = True

    def call(self, inputs):
        return ops.softmax(-self.class_free_energies(inputs), axis=-1)

    def class_free_energies(self, x):
        """F(x, y) for every label y: a (batch, num_classes) tensor."""
        x = self._visible_input("x", x, data=True)
        data_kernel = self.kernel[: self.data_units]
        label_kernel = self.kernel[self.data_units :]
        preactivation = ops.matmul(x, data_kernel) + self.hidden_bias
        per_class = preactivation[:, None, :] + label_kernel[None, :, :]
        data_term = ops.matmul(x, self.visible_bias[: self.data_units][:, None])
        return -data_term - self.visible_bias[self.data_units :] - ops.sum(ops.softplus(per_class), axis=-1)

    def predict_proba(self, x, batch_size=None, verbose=0, **kwargs):
        """p(y | x) as a NumPy array (n, num_classes)."""
        x = self._visible_input("x", x, numpy=True, data=True)
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)

    def predict(self, x, batch_size=None, verbose=0, **kwargs):
        """The label with the lowest free energy, as int64 NumPy array (n,)."""
        return np.argmax(self.predict_proba(x, batch_size, verbose, **kwargs), axis=-1)

    def data_hidden_probabilities(self, x):
        """p(h = 1 | x) with the label summed out: sum_y p(y | x) p(h | x, y) (a tensor)."""
        x = self._visible_input("x", x, data=True)
        labels = ops.softmax(-self.class_free_energies(x), axis=-1)
        preactivation = ops.matmul(x, self.kernel[: self.data_units]) + self.hidden_bias
        per_class = ops.sigmoid(preactivation[:, None, :] + self.kernel[None, self.data_units :, :])
        return ops.sum(labels[:, :, None] * per_class, axis=1)

    def transform(self, x, batch_size=4096):
        """Hidden probabilities given x alone: sum_y p(y | x) p(h | x, y)."""
        x = self._visible_input("x", x, numpy=True, data=True)
        return self.apply_in_batches(self.data_hidden_probabilities, x, batch_size)

    def reconstruct(self, x, batch_size=4096):
        """Mean-field reconstruction of the data units from `transform(x)`."""
        hidden = self.transform(x, batch_size)
        return self.apply_in_batches(self.visible_mean, hidden, batch_size)[:, : self.data_units]

    @old_positional_order(old=("gibbs_steps", "seed", "labels"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: "seed" in kwargs)
    def sample(self, count, seed=None, batch_size=4096, *, gibbs_steps=1000, labels=None, start="auto"):
        """Draws `count` data vectors, of the given `labels` (clamped) if any.

        Options as `RBM.sample`; `labels`: `count` class ids or one-hot rows.
        From persistent chains, the label units are set to `labels`.

        Returns:
            A NumPy array (count, data_units): E[x | h] of the last sweep, or
            with `labels` averaged over the second half of the sweeps.
        """
        count = check_positive_int("count", count)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        if labels is None:
            return super().sample(count, seed=seed, batch_size=batch_size,
                                  gibbs_steps=gibbs_steps, start=start)[:, : self.data_units]
        labels = self._labels("labels", labels, count)
        batch_size = check_positive_int("batch_size", batch_size)
        start = self.resolve_start(start)
        stream = self._stream(seed)
        parts = []
        for offset in range(0, count, batch_size):
            clamped = labels[offset : offset + batch_size]
            unknown = np.zeros((len(clamped), self.data_units), "float32")
            known = np.concatenate([unknown, clamped], axis=1)
            mask = np.concatenate([unknown, np.ones_like(clamped)], axis=1)
            first = self.chain_start(len(clamped), start, stream, offset)
            parts.append(self._complete(known, mask, gibbs_steps, stream, first)[:, : self.data_units])
        self._finish(stream, seed)
        return np.concatenate(parts, axis=0)

    def _labels(self, name, y, count):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == self.num_classes:
            y = check_array(name, y, value_range=(0, 1))
            if not np.allclose(y.sum(axis=1), 1.0):
                raise ValueError(f"Expected `{name}` one-hot rows summing to 1. Received: {name} rows not summing to 1")
        else:
            y = check_array(name, y, ndim=(1, 2), dtype=None).reshape(-1)
            if y.size and (not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() >= self.num_classes):
                raise ValueError(
                    f"Expected `{name}` to hold integer labels in [0, {self.num_classes}). "
                    f"Received: {name} with values in [{y.min()}, {y.max()}]"
                )
            y = np.eye(self.num_classes, dtype="float32")[y.astype("int64")]
        if len(y) != count:
            raise ValueError(f"Expected `{name}` to have {count} rows. Received: {name} with {len(y)} rows")
        return y.astype("float32")

    def check_pair(self, x, y):
        x, _ = super().check_pair(x, None)
        if x is not None and y is None and isinstance(x, np.ndarray):
            raise ValueError("Expected labels `y` for a ClassificationRBM. Received: y=None")
        if y is not None and isinstance(x, np.ndarray):
            y = self._labels("y", y, len(x))
        return x, y

    def training_visible(self, x, y):
        y = ops.convert_to_tensor(y)
        if len(y.shape) == 1 or y.shape[-1] != self.num_classes:
            y = ops.one_hot(ops.cast(ops.reshape(y, (-1,)), "int32"), self.num_classes)
        return ops.concatenate([ops.cast(x, "float32"), ops.cast(y, "float32")], axis=-1)

    def visible_mean_from_preactivation(self, preactivation):
        data = ops.sigmoid(preactivation[:, : self.data_units])
        return ops.concatenate([data, ops.softmax(preactivation[:, self.data_units :], axis=-1)], axis=-1)

    def sample_visible_from_preactivation(self, preactivation, stream):
        data = stream.bernoulli(ops.sigmoid(preactivation[:, : self.data_units]))
        logits = preactivation[:, self.data_units :]
        # Gumbel-max: a categorical draw from the same uniform stream.
        uniform = stream.uniform(ops.shape(logits))
        gumbel = -ops.log(-ops.log(uniform + 1e-20) + 1e-20)
        labels = ops.one_hot(ops.argmax(logits + gumbel, axis=-1), self.num_classes)
        return ops.concatenate([data, labels], axis=-1)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training)
        if self.discriminative_weight > 0:
            labels = self.training_visible(x, y)[:, self.data_units :]
            log_probabilities = ops.log_softmax(-self.class_free_energies(x), axis=-1)
            discriminative = -self.discriminative_weight * ops.mean(ops.sum(labels * log_probabilities, -1))
            # The generative part came back scaled for the replica count already.
            loss = loss + scale_loss_for_replicas(discriminative)
        return loss

    def update_tracked_metrics(self, v_data, preactivation, free_energy_data, reconstruction, stream):
        x, labels = v_data[:, : self.data_units], v_data[:, self.data_units :]
        mean = ops.sigmoid(reconstruction[:, : self.data_units])
        self.reconstruction_tracker.update_state(ops.mean(ops.square(x - mean), axis=-1))
        predicted = ops.argmax(-self.class_free_energies(x), axis=-1)
        correct = ops.cast(ops.equal(predicted, ops.argmax(labels, axis=-1)), "float32")
        self.accuracy_tracker.update_state(correct)

    def export_parts(self):
        """`{"features": (model, metadata)}`: x -> `transform(x)` from plain Keras layers.

        All labels at once: the hidden pre-activations `(batch, classes,
        hidden)`, the label posterior `softmax(-F(x, y))` from them, and the
        posterior-weighted sum of the hidden probabilities.
        """
        data, classes, hidden = self.data_units, self.num_classes, self.hidden_units
        kernel, bias = ops.convert_to_numpy(self.kernel), ops.convert_to_numpy(self.visible_bias)
        layers = keras.layers

        def dense(inputs, name, weights, biases=None):
            layer = layers.Dense(weights.shape[1], use_bias=biases is not None, name=name)
            layer.build((None, weights.shape[0]))
            layer.set_weights([weights] + ([] if biases is None else [biases]))
            return layer(inputs)

        x = keras.Input((data,), name="visible")
        # Column (k, j): hidden unit j's input with label k clamped.
        pre = layers.Reshape((classes, hidden))(dense(
            x, "preactivations", np.tile(kernel[:data], (1, classes)),
            (ops.convert_to_numpy(self.hidden_bias) + kernel[data:]).reshape(-1)))
        softplus_sums = layers.Reshape((classes,))(dense(
            layers.Activation("softplus")(pre), "sum_over_hidden", np.ones((hidden, 1), "float32")))
        visible_terms = dense(x, "visible_terms", np.repeat(bias[:data, None], classes, 1), bias[data:])
        # -F(x, y) for every y, then p(y | x).
        posterior = layers.Softmax()(layers.Add()([visible_terms, softplus_sums]))
        spread = dense(layers.Reshape((classes, 1))(posterior), "spread_over_hidden",
                       np.ones((1, hidden), "float32"))
        weighted = layers.Multiply()([spread, layers.Activation("sigmoid")(pre)])
        features = layers.Reshape((hidden,))(dense(
            layers.Permute((2, 1))(weighted), "sum_over_classes", np.ones((classes, 1), "float32")))
        metadata = {
            "inputs": {"visible": {"range": [0.0, 1.0], "distribution": "binary",
                                   "description": "data vector in [0, 1] (no label)"}},
            "output_range": [0.0, 1.0],
        }
        return {"features": (keras.Model(x, features, name=f"{self.name}_features"), metadata)}

    def get_config(self):
        config = super().get_config()
        config.pop("visible_type")
        config.update(num_classes=self.num_classes, discriminative_weight=self.discriminative_weight)
        return config
