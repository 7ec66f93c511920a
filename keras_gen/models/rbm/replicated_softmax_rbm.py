"""Replicated-softmax RBM: an RBM over bag-of-words counts (Salakhutdinov & Hinton 2009)."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.models.rbm.rbm import RBM
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_array
from keras_gen.utils import check_positive_int

__all__ = ["ReplicatedSoftmaxRBM", "count_matrix"]


def count_matrix(counts, name="x"):
    """Dense float32 word counts from an array or a SciPy sparse matrix.

    Takes what `sklearn.feature_extraction.text.CountVectorizer` returns
    (a sparse document x word matrix) as well as dense arrays.

    Args:
        counts: (documents, vocabulary) non-negative integer counts.
        name: argument name used in error messages.

    Returns:
        A float32 NumPy array.

    Raises:
        ValueError: for negative, non-integer or non-finite counts.

    Example:

    >>> count_matrix([[0, 2, 1], [3, 0, 0]]).sum(axis=1)
    array([3., 3.], dtype=float32)
    """
    if hasattr(counts, "toarray"):
        counts = counts.toarray()
    counts = check_array(name, counts, ndim=2)
    if (counts < 0).any():
        raise ValueError(
            f"Expected `{name}` to hold word counts >= 0. Received: {name} with minimum {counts.min()}"
        )
    if (counts != np.round(counts)).any():
        raise ValueError(f"Expected `{name}` to hold integer word counts. Received: {name} with non-integer values")
    return counts


@keras.saving.register_keras_serializable(package="keras_gen")
class ReplicatedSoftmaxRBM(RBM):
    """RBM whose visible units are word counts: one softmax replicated per word.

    A document of `D` words is `D` draws from a softmax over the vocabulary
    sharing one set of weights, so the energy is
    `E(v, h) = -v.b - D * h.c - v W h` with `v` the count vector. The hidden
    bias is scaled by the document length, which keeps the hidden units'
    input comparable between short and long documents:
    `p(h = 1 | v) = sigmoid(v W + D c)`, and `p(word | h) = softmax(W h + b)`.

    The negative phase uses the expected counts `D * softmax(W h + b)`
    instead of drawing `D` words, a common simplification that keeps the
    step one dense computation on every backend. Train with `compile()` /
    `fit()` like `RBM`; use it as the first layer of a `DBN` for documents.

    Args:
        hidden_units: number of binary hidden units (topics features), >= 1.
        cd_steps: Gibbs sweeps of the negative phase, >= 1.
        persistent: use persistent chains (PCD).
        persistent_chains: number of persistent chains.
        document_length: words per document drawn by `sample` (which starts
            without data), >= 1.
        kernel_initializer: initializer of `kernel`.
        seed: seed of the model's `SeedGenerator`.
        **kwargs: `keras.Model` arguments.

    Returns:
        A `keras.Model`; `model(v)` gives p(h = 1 | v).

    Example:

    >>> import numpy as np
    >>> counts = np.random.default_rng(0).poisson(1.0, (32, 20)).astype("float32")
    >>> rsm = ReplicatedSoftmaxRBM(hidden_units=4, seed=0)
    >>> rsm.compile(optimizer=keras.optimizers.SGD(0.01))
    >>> _ = rsm.fit(counts, batch_size=8, epochs=1, verbose=0)
    >>> rsm.transform(counts).shape
    (32, 4)

    Reference:
        Salakhutdinov & Hinton, "Replicated softmax: an undirected topic
        model", NIPS 2009.
    """

    tracks_pseudo_likelihood = False

    def __init__(self, hidden_units, cd_steps=1, persistent=False, persistent_chains=100,
                 document_length=100, kernel_initializer=None, seed=None, **kwargs):
        kwargs.pop("visible_type", None)
        super().__init__(hidden_units, visible_type="bernoulli", cd_steps=cd_steps, persistent=persistent,
                         persistent_chains=persistent_chains, kernel_initializer=kernel_initializer,
                         seed=seed, **kwargs)
        # The energy differs from the Bernoulli RBM's; the name tells users so.
        self.visible_type = "replicated_softmax"
        self.document_length = check_positive_int("document_length", document_length)

    def hidden_preactivation(self, v):
        """`v @ kernel + D * hidden_bias`, `D` the document length."""
        length = ops.sum(v, axis=-1, keepdims=True)
        return ops.matmul(v, self.kernel) + length * self.hidden_bias

    def visible_mean_from_preactivation(self, preactivation):
        """p(word | h): the softmax over the vocabulary."""
        return ops.softmax(preactivation, axis=-1)

    def sample_visible_from_preactivation(self, preactivation, stream):
        """Expected counts of a `document_length`-word document (used by `sample`)."""
        return self.document_length * ops.softmax(preactivation, axis=-1)

    def gibbs_step(self, v, stream):
        """One sweep v -> h -> expected counts with the length of `v`."""
        length = ops.sum(v, axis=-1, keepdims=True)
        h = stream.bernoulli(ops.sigmoid(self.hidden_preactivation(v)))
        preactivation = self.visible_preactivation(h)
        return length * ops.softmax(preactivation, axis=-1), preactivation

    def free_energy(self, v, hidden_preactivation=None):
        """F(v) = -v.b - sum_j softplus(v W_j + D c_j), one value per row."""
        v = self._visible_input("v", v)
        if hidden_preactivation is None:
            hidden_preactivation = self.hidden_preactivation(v)
        visible_term = ops.squeeze(ops.matmul(v, self.visible_bias[:, None]), -1)
        return -visible_term - ops.sum(ops.softplus(hidden_preactivation), axis=-1)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """CD-k / PCD surrogate loss on counts; tracks the reconstruction error."""
        v_data = ops.cast(x, "float32")
        stream = RandomStream(self.seed_generator)
        preactivation = self.hidden_preactivation(v_data)
        free_energy_data = self.free_energy(v_data, preactivation)
        if self.persistent and training:
            batch = ops.shape(v_data)[0]
            from_data = ops.take(v_data, ops.mod(ops.arange(self.persistent_chains), batch), axis=0)
            start = ops.where(self.chains_started > 0, self.chains.value, from_data)
            negative, reconstruction = self.run_chain(start, self.cd_steps, stream)
            self.chains.assign(negative)
            self.chains_started.assign(1.0)
            reconstruction = self.visible_preactivation(ops.sigmoid(preactivation))
        else:
            negative, reconstruction = self.run_chain(v_data, self.cd_steps, stream)
        negative = ops.stop_gradient(negative)
        loss = ops.mean(free_energy_data) - ops.mean(self.free_energy(negative))
        self.update_tracked_metrics(v_data, preactivation, free_energy_data, reconstruction, stream)
        stream.commit()
        return scale_loss_for_replicas(loss)

    def update_tracked_metrics(self, v_data, preactivation, free_energy_data, reconstruction, stream):
        """Squared error between the word distribution of each document and its reconstruction."""
        length = ops.maximum(ops.sum(v_data, axis=-1, keepdims=True), 1.0)
        error = ops.sum(ops.square(v_data / length - ops.softmax(reconstruction, axis=-1)), axis=-1)
        self.reconstruction_tracker.update_state(error)

    def reconstruct(self, x, batch_size=4096):
        """Mean-field reconstruction as expected counts with each document's length."""
        x = self._visible_input("x", x, numpy=True)
        probabilities = self.apply_in_batches(
            lambda batch: self.visible_mean(self.hidden_probabilities(batch)), x, batch_size)
        return x.sum(axis=-1, keepdims=True) * probabilities

    def _visible_input(self, name, x, numpy=False, data=False, keep_integer=False):
        if hasattr(x, "toarray"):
            x = x.toarray()
        if isinstance(x, (np.ndarray, list)) or (numpy and ops.is_tensor(x)):
            x = count_matrix(ops.convert_to_numpy(x) if ops.is_tensor(x) else x, name)
            if self.built and x.shape[-1] != self.visible_units:
                raise ValueError(
                    f"Expected `{name}` to have {self.visible_units} columns (the vocabulary). "
                    f"Received: {name} with shape {x.shape}"
                )
        return x

    def effective_kernel(self):
        """`kernel + hidden_bias` per row: `v @ effective_kernel()` equals the hidden
        pre-activation, since each count also carries one copy of the hidden bias."""
        return ops.convert_to_numpy(self.kernel) + ops.convert_to_numpy(self.hidden_bias)[None, :]

    def export_parts(self):
        """`{"features": (model, metadata)}`: word counts -> p(h = 1 | counts)."""
        inputs = keras.Input((self.data_units,), name="visible")
        dense = keras.layers.Dense(self.hidden_units, activation="sigmoid", name="hidden_probabilities")
        outputs = dense(inputs)
        dense.set_weights([self.effective_kernel(), np.zeros(self.hidden_units, "float32")])
        metadata = {
            "inputs": {"visible": {"range": [0.0, 5.0], "distribution": "uniform",
                                   "description": "word counts of one document (non-negative "
                                                  "integers; the range is for test inputs)"}},
            "output_range": [0.0, 1.0],
        }
        return {"features": (keras.Model(inputs, outputs, name=f"{self.name}_features"), metadata)}

    def get_config(self):
        config = super().get_config()
        config.pop("visible_type", None)
        config["document_length"] = self.document_length
        return config
