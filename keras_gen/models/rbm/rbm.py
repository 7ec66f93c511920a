"""Restricted Boltzmann Machine trained by contrastive divergence through `fit`."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.cd_gradient import cd_update_term
from keras_gen.models.rbm.pseudo_likelihood import stochastic_pseudo_log_likelihood
from keras_gen.models.rbm.gibbs_sampling import GibbsSampling
from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_array
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int
from keras_gen.utils import save_image_grid

__all__ = ["RBM"]

VISIBLE_TYPES = ("bernoulli", "gaussian")


def _is_array_like(x):
    return isinstance(x, (np.ndarray, list)) or (
        ops.is_tensor(x) and not isinstance(x, keras.KerasTensor)
    )


@keras.saving.register_keras_serializable(package="keras_gen")
class RBM(GibbsSampling, GenerativeModel):
    """Restricted Boltzmann Machine with Bernoulli hidden units.

    Trained with `compile()`/`fit()`: the step minimizes the contrastive
    divergence surrogate `mean(F(v_data)) - mean(F(stop_gradient(v_k)))`,
    whose gradient is the CD-k (or, with `persistent=True`, PCD) update; `F`
    is the free energy and `v_k` the end of `cd_steps` Gibbs sweeps. That
    "loss" is a free-energy gap, not a likelihood, and need not fall: watch
    the tracked `reconstruction_error` and `pseudo_likelihood` (Bernoulli
    visible units) metrics instead.

    Parameters are the public variables `kernel` (visible x hidden),
    `visible_bias` and `hidden_bias`, so deeper models (DBN, DBM) can stack
    and initialise RBMs. Calling the model returns hidden probabilities.

    Under a mixed-precision policy the RBM still computes in float32: the
    CD gradient is the small difference of two large products (data minus
    model statistics), which bfloat16's 8-bit mantissa would swamp. (On this
    project's CPU, bfloat16 matmuls would save about a tenth of an epoch;
    see `benchmarks/rbm_vs_sklearn.py`.)

    Args:
        hidden_units: number of binary hidden units, >= 1.
        visible_type: `"bernoulli"` (data in [0, 1]; grey values are treated as
            probabilities) or `"gaussian"` (real data with unit variance:
            standardize it first).
        cd_steps: Gibbs sweeps `k` of the negative phase, >= 1.
        persistent: keep the negative chains across steps (PCD, Tieleman
            2008) in the non-trainable variable `persistent_chains`; they
            start at the first batch's data.
        persistent_chains: number of persistent chains (fixed, independent of
            the batch size).
        kernel_initializer: initializer of `kernel`; default normal with
            standard deviation 0.01 (Hinton 2010).
        seed: seed of the model's `SeedGenerator` (all sampling draws from it).
        **kwargs: `keras.Model` arguments (`name`, ...).

    Returns:
        A `keras.Model`; `model(v)` gives p(h = 1 | v).

    Example:

    >>> import numpy as np
    >>> x = (np.random.default_rng(0).random((64, 16)) > 0.5).astype("float32")
    >>> rbm = RBM(hidden_units=8, seed=0)
    >>> rbm.compile(optimizer=keras.optimizers.SGD(0.1))
    >>> history = rbm.fit(x, batch_size=16, epochs=1, verbose=0)
    >>> rbm.transform(x).shape
    (64, 8)

    References:
        Hinton, "Training products of experts by minimizing contrastive
        divergence", Neural Computation 2002; Tieleman, "Training restricted
        Boltzmann machines using approximations to the likelihood gradient",
        ICML 2008; Hinton, "A practical guide to training restricted
        Boltzmann machines", UTML TR 2010-003.
    """

    tracks_pseudo_likelihood = True

    def __init__(
        self,
        hidden_units,
        visible_type="bernoulli",
        cd_steps=1,
        persistent=False,
        persistent_chains=100,
        kernel_initializer=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.hidden_units = check_positive_int("hidden_units", hidden_units)
        self.visible_type = check_in("visible_type", visible_type, VISIBLE_TYPES)
        self.cd_steps = check_positive_int("cd_steps", cd_steps)
        if not isinstance(persistent, (bool, np.bool_)):
            raise ValueError(f"Expected `persistent` to be a bool. Received: persistent={persistent!r}")
        self.persistent = bool(persistent)
        self.persistent_chains = check_positive_int("persistent_chains", persistent_chains)
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.01, seed=seed)
        )
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_error")
        if self.visible_type == "bernoulli" and self.tracks_pseudo_likelihood:
            self.pseudo_likelihood_tracker = keras.metrics.Mean(name="pseudo_likelihood")
        self._compiled_functions = {}

    # ----------------------------------------------------------------- build
    def build(self, input_shape):
        self.data_units = int(input_shape[-1])
        self._build_parameters(self.data_units)
        self.input_spec = keras.InputSpec(axes={-1: self.data_units})
        self.built = True

    def _build_parameters(self, visible_units):
        self.kernel = self.add_weight(
            shape=(visible_units, self.hidden_units), initializer=self.kernel_initializer, name="kernel"
        )
        self.visible_bias = self.add_weight(shape=(visible_units,), initializer="zeros", name="visible_bias")
        self.hidden_bias = self.add_weight(shape=(self.hidden_units,), initializer="zeros", name="hidden_bias")
        if self.persistent:
            self.chains = self.add_weight(
                shape=(self.persistent_chains, visible_units), initializer="zeros",
                trainable=False, name="persistent_chains",
            )
            self.chains_started = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="chains_started"
            )

    @property
    def visible_units(self):
        """Number of visible units (for `ClassificationRBM`, data + labels)."""
        return int(self.kernel.shape[0])

    def call(self, inputs):
        return self.hidden_probabilities(inputs)

    # ------------------------------------------------------------ the energy
    def hidden_preactivation(self, v):
        """`v @ kernel + hidden_bias`: the hidden units' total input."""
        return ops.matmul(v, self.kernel) + self.hidden_bias

    def visible_preactivation(self, h):
        """`h @ kernel.T + visible_bias`: the visible units' total input."""
        return ops.matmul(h, ops.transpose(self.kernel)) + self.visible_bias

    def visible_mean_from_preactivation(self, preactivation):
        """E[v | h] from the visible pre-activation (sigmoid, or identity)."""
        if self.visible_type == "gaussian":
            return preactivation
        return ops.sigmoid(preactivation)

    def sample_visible_from_preactivation(self, preactivation, stream):
        """Draws v ~ p(v | h) given the visible pre-activation and a `RandomStream`."""
        if self.visible_type == "gaussian":
            return preactivation + stream.normal(ops.shape(preactivation))
        return stream.bernoulli(ops.sigmoid(preactivation))

    def free_energy(self, v, hidden_preactivation=None):
        """Free energy F(v) = -log sum_h exp(-E(v, h)), one value per row.

        Args:
            v: visible vectors (batch, visible_units).
            hidden_preactivation: `hidden_preactivation(v)` if already computed.

        Returns:
            A (batch,) tensor.
        """
        v = self._visible_input("v", v)
        if hidden_preactivation is None:
            hidden_preactivation = self.hidden_preactivation(v)
        hidden_term = ops.sum(ops.softplus(hidden_preactivation), axis=-1)
        if self.visible_type == "gaussian":
            return 0.5 * ops.sum(ops.square(v - self.visible_bias), axis=-1) - hidden_term
        return -ops.squeeze(ops.matmul(v, self.visible_bias[:, None]), -1) - hidden_term

    # --------------------------------------------------------------- sampling
    def hidden_probabilities(self, v):
        """p(h = 1 | v) for each hidden unit."""
        return ops.sigmoid(self.hidden_preactivation(self._visible_input("v", v)))

    def visible_mean(self, h):
        """E[v | h]: probabilities (Bernoulli) or means (Gaussian)."""
        return self.visible_mean_from_preactivation(self.visible_preactivation(ops.convert_to_tensor(h)))

    def reconstruct(self, x, batch_size=4096):
        """Mean-field reconstruction E[v | h = p(h | x)] as a NumPy array."""
        x = self._visible_input("x", x, numpy=True)
        return self.apply_in_batches(
            lambda batch: self.visible_mean(self.hidden_probabilities(batch)), x, batch_size)

    def transform(self, x, batch_size=4096):
        """Hidden probabilities p(h = 1 | x) as features (NumPy array)."""
        x = self._visible_input("x", x, numpy=True)
        return self.apply_in_batches(self.hidden_probabilities, x, batch_size)

    def _parameter_variables(self):
        return [self.kernel, self.visible_bias, self.hidden_bias]

    # --------------------------------------------------------------- training
    def compile(self, optimizer=None, **kwargs):
        """Compiles for CD training; `optimizer` defaults to SGD(0.1).

        The loss is built in (`compute_loss`); any `loss` argument is ignored.
        """
        kwargs.pop("loss", None)
        super().compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.1), **kwargs)

    def compile_from_config(self, config):
        # Keras skips a custom `compile` on load; ours only adds defaults.
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def check_pair(self, x, y):
        if x is not None and _is_array_like(x):
            x = self._visible_input("x", x, numpy=True, data=True, keep_integer=True)
        return x, y

    def _visible_input(self, name, x, numpy=False, data=False, keep_integer=False):
        """Checks NumPy/list input (shape, finite, range) before work; tensors pass through.

        `data=True`: `x` holds data units only (differs from the visible
        units for `ClassificationRBM`). `keep_integer`: binary uint8/bool
        training data stays so (4x less to copy to a device; the step casts).
        """
        if not _is_array_like(x):
            return x
        if not numpy and ops.is_tensor(x):
            return x
        units = None
        if self.built:
            units = self.data_units if data else self.visible_units
        x = ops.convert_to_numpy(x) if ops.is_tensor(x) else np.asarray(x)
        integer = x.dtype == bool or np.issubdtype(x.dtype, np.integer)
        return check_array(
            name, x, ndim=2, last_dim=units, dtype=None if integer and keep_integer else "float32",
            value_range=(0, 1) if self.visible_type == "bernoulli" else None,
        )

    def training_visible(self, x, y):
        """The visible vector a training batch clamps (the data itself here)."""
        return ops.cast(x, "float32")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """CD-k / PCD surrogate loss; also updates the tracked metrics."""
        v_data = self.training_visible(x, y)
        stream = RandomStream(self.seed_generator)
        plain, chains = self._plain_energy(), None
        preactivation = None
        if self.persistent and training:
            batch = ops.shape(v_data)[0]
            from_data = ops.take(v_data, ops.mod(ops.arange(self.persistent_chains), batch), axis=0)
            chains = ops.where(self.chains_started > 0, self.chains.value, from_data)
            if plain:  # the data's and the chains' hidden inputs in one matmul
                both = self.hidden_preactivation(ops.concatenate([v_data, chains], axis=0))
                preactivation, chain_preactivation = both[:batch], both[batch:]
        if preactivation is None:
            preactivation = self.hidden_preactivation(v_data)
        h_data = ops.sigmoid(preactivation)
        reconstruction = self.visible_preactivation(stream.bernoulli(h_data))
        if chains is None:
            negative, steps = self.sample_visible_from_preactivation(reconstruction, stream), self.cd_steps - 1
        elif plain:
            h_chains = stream.bernoulli(ops.sigmoid(chain_preactivation))
            negative = self.sample_visible_from_preactivation(self.visible_preactivation(h_chains), stream)
            steps = self.cd_steps - 1
        else:
            negative, steps = chains, self.cd_steps
        if steps:
            negative, _ = self.run_chain(negative, steps, stream)
        if chains is not None:
            self.chains.assign(negative)
            self.chains_started.assign(1.0)
        negative = ops.stop_gradient(negative)
        negative_preactivation = self.hidden_preactivation(negative)
        free_energy_data = self.free_energy(v_data, preactivation)
        loss = ops.mean(free_energy_data) - ops.mean(self.free_energy(negative, negative_preactivation))
        if plain:  # the update from statistics at hand, not autodiff through both free energies
            loss = ops.stop_gradient(loss) + cd_update_term(
                self, v_data, h_data, negative, ops.sigmoid(negative_preactivation))
        self.update_tracked_metrics(v_data, preactivation, free_energy_data, reconstruction, stream)
        stream.commit()
        return scale_loss_for_replicas(loss)

    def _plain_energy(self):
        # `cd_update_term` holds for this energy; subclasses that change it keep autodiff.
        return all(getattr(type(self), name) is getattr(RBM, name)
                   for name in ("hidden_preactivation", "free_energy"))

    def update_tracked_metrics(self, v_data, preactivation, free_energy_data, reconstruction, stream):
        """Reconstruction error and (Bernoulli) stochastic pseudo-likelihood of the batch."""
        # Metrics only: cut them from the tape, or TensorFlow's gradient pass
        # also walks them (about a fifth of a CD-1 epoch on MNIST).
        preactivation, free_energy_data, reconstruction = (
            ops.stop_gradient(t) for t in (preactivation, free_energy_data, reconstruction))
        mean = self.visible_mean_from_preactivation(reconstruction)
        self.reconstruction_tracker.update_state(ops.mean(ops.square(v_data - mean), axis=-1))
        if self.visible_type == "bernoulli" and self.tracks_pseudo_likelihood:
            self.pseudo_likelihood_tracker.update_state(
                stochastic_pseudo_log_likelihood(self, v_data, stream, preactivation, free_energy_data)
            )

    # ----------------------------------------------------------- inspection
    def filters_image(self, path, image_shape=None, columns=None, scale=2):
        """Writes a PNG grid of the hidden units' filters (kernel columns).

        Each filter is scaled to its own [min, max].

        Args:
            path: destination `.png` file (written atomically).
            image_shape: shape of one data vector as an image, e.g. (28, 28);
                default: a square.
            columns: filters per row.
            scale: integer upscaling of each pixel.

        Returns:
            `path`.
        """
        filters = ops.convert_to_numpy(self.kernel)[: self.data_units].T
        low = filters.min(axis=1, keepdims=True)
        high = filters.max(axis=1, keepdims=True)
        filters = (filters - low) / np.maximum(high - low, 1e-12)
        return save_image_grid(path, filters, columns=columns, image_shape=image_shape, scale=scale)

    def export_parts(self):
        """`{"features": (model, metadata)}`: x -> p(h = 1 | x), for ONNX/TFLite export."""
        inputs = keras.Input((self.data_units,), name="visible")
        dense = keras.layers.Dense(self.hidden_units, activation="sigmoid", name="hidden_probabilities")
        outputs = dense(inputs)
        dense.set_weights([ops.convert_to_numpy(self.kernel), ops.convert_to_numpy(self.hidden_bias)])
        bernoulli = self.visible_type == "bernoulli"
        metadata = {
            "inputs": {
                "visible": {
                    "range": [0.0, 1.0] if bernoulli else None,
                    "distribution": "binary" if bernoulli else "normal",
                    "description": "data vector" + (" in [0, 1]" if bernoulli else ", standardized"),
                }
            },
            "output_range": [0.0, 1.0],
        }
        return {"features": (keras.Model(inputs, outputs, name=f"{self.name}_features"), metadata)}

    def get_config(self):
        config = super().get_config()
        config.update(
            hidden_units=self.hidden_units,
            visible_type=self.visible_type,
            cd_steps=self.cd_steps,
            persistent=self.persistent,
            persistent_chains=self.persistent_chains,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            seed=self.seed,
        )
        return config
