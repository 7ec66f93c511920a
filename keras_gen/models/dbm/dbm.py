"""Two-layer Deep Boltzmann Machine (Salakhutdinov & Hinton 2009)."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.generative_model import GenerativeModel
from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.models.rbm.rbm import RBM
from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import compile_function
from keras_gen.trainers import scale_loss_for_replicas
from keras_gen.utils import check_array
from keras_gen.utils import check_positive_int
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["DBM"]


class _ScaledRBM(RBM):
    """Pretraining RBM whose up (or down) pass counts the input twice.

    The bottom RBM of a DBM sees its visible units doubled (`2 v W`) and the
    top one its hidden units doubled (`2 h W^T` down): in the DBM each
    hidden layer gets input from both neighbours, which the doubling stands
    in for during greedy pretraining.
    """

    tracks_pseudo_likelihood = False

    def __init__(self, hidden_units, up_scale=1.0, down_scale=1.0, **kwargs):
        super().__init__(hidden_units, **kwargs)
        self.up_scale, self.down_scale = up_scale, down_scale

    def hidden_preactivation(self, v):
        return self.up_scale * ops.matmul(v, self.kernel) + self.hidden_bias

    def visible_preactivation(self, h):
        return self.down_scale * ops.matmul(h, ops.transpose(self.kernel)) + self.visible_bias


@keras.saving.register_keras_serializable(package="keras_gen")
class DBM(GenerativeModel):
    """Deep Boltzmann Machine with two hidden layers, trained through `fit`.

    Energy `E(v, h1, h2) = -v W1 h1 - h1 W2 h2 - v.b - h1.c1 - h2.c2`. The
    data term of the likelihood gradient uses mean-field marginals
    `q(h1), q(h2)` (`mean_field_steps` fixed-point updates started from a
    recognition pass with doubled bottom-up weights); the model term uses
    `persistent_chains` persistent Gibbs chains advanced `gibbs_steps`
    sweeps per update (Salakhutdinov & Hinton 2009). `fit` minimizes the
    surrogate `mean E(v, q) - mean E(chains)` whose gradient is that update.
    Call `pretrain(x)` first: a greedy stack of two RBMs with the doubling
    trick initialises the weights. Calling the model gives `q(h2 | v)`.
    Like the RBM, it computes in float32 under a mixed-precision policy
    (its update is a difference of data and model statistics).

    Args:
        hidden_units: sizes of the two hidden layers `(h1, h2)`.
        mean_field_steps: mean-field updates per data batch, >= 1.
        gibbs_steps: Gibbs sweeps of the persistent chains per update, >= 1.
        persistent_chains: number of persistent chains.
        seed: seed of the model's `SeedGenerator` and initializers.
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

    Reference:
        Salakhutdinov & Hinton, "Deep Boltzmann machines", AISTATS 2009.
    """

    def __init__(self, hidden_units=(500, 1000), mean_field_steps=10, gibbs_steps=1, persistent_chains=100,
                 seed=None, **kwargs):
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
        self.input_spec = keras.InputSpec(axes={-1: units})
        self.built = True

    def _energy_variables(self):
        return [self.kernel_1, self.kernel_2, self.visible_bias, self.hidden_bias_1, self.hidden_bias_2]

    # ----------------------------------------------------------- conditionals
    def _hidden_1(self, v, h2):
        return ops.sigmoid(ops.matmul(v, self.kernel_1) + ops.matmul(h2, ops.transpose(self.kernel_2))
                           + self.hidden_bias_1)

    def _hidden_2(self, h1):
        return ops.sigmoid(ops.matmul(h1, self.kernel_2) + self.hidden_bias_2)

    def _visible(self, h1):
        return ops.sigmoid(ops.matmul(h1, ops.transpose(self.kernel_1)) + self.visible_bias)

    def mean_field(self, v, steps=None):
        """Mean-field marginals `(q(h1), q(h2))` of the posterior given `v` (tensors).

        Starts from the recognition pass `q(h1) = sigmoid(2 v W1 + c1)`,
        `q(h2) = sigmoid(q(h1) W2 + c2)`, then alternates the fixed-point
        updates `steps` times (default `mean_field_steps`).
        """
        v = ops.convert_to_tensor(v, "float32")
        mu1 = ops.sigmoid(2.0 * ops.matmul(v, self.kernel_1) + self.hidden_bias_1)
        mu2 = self._hidden_2(mu1)
        for _ in range(self.mean_field_steps if steps is None else steps):
            mu1 = self._hidden_1(v, mu2)
            mu2 = self._hidden_2(mu1)
        return mu1, mu2

    def energy(self, v, h1, h2):
        """E(v, h1, h2), one value per row (also for marginals in place of states)."""
        terms = (ops.sum(ops.matmul(v, self.kernel_1) * h1, axis=-1)
                 + ops.sum(ops.matmul(h1, self.kernel_2) * h2, axis=-1)
                 + ops.sum(v * self.visible_bias, axis=-1) + ops.sum(h1 * self.hidden_bias_1, axis=-1)
                 + ops.sum(h2 * self.hidden_bias_2, axis=-1))
        return -terms

    def gibbs_sweep(self, v, h2, stream):
        """h1 ~ p(h1 | v, h2), then v ~ p(v | h1) and h2 ~ p(h2 | h1); returns (v, h1, h2, E[v | h1])."""
        h1 = stream.bernoulli(self._hidden_1(v, h2))
        mean = self._visible(h1)
        return stream.bernoulli(mean), h1, stream.bernoulli(self._hidden_2(h1)), mean

    def call(self, inputs):
        return self.mean_field(inputs)[1]

    # --------------------------------------------------------------- training
    def pretrain(self, x, epochs=1, batch_size=100, optimizer=None, verbose="auto", callbacks=None,
                 **compile_kwargs):
        """Greedy pretraining with the doubling trick, then copies the weights in.

        The bottom RBM (v -> h1) counts `v` twice going up, the top RBM
        (h1 -> h2) counts `h2` twice going down and is trained on the bottom
        one's doubled-input probabilities. `h1`'s bias is the average of the
        two RBMs' biases for it.

        Args:
            x: training data in [0, 1].
            epochs: epochs per RBM (an int or a pair).
            batch_size: mini-batch size.
            optimizer: optimizer config for both RBMs (default SGD(0.05, momentum=0.5)).
            verbose: Keras verbosity.
            callbacks: Keras callbacks given to both RBMs' `fit`.
            **compile_kwargs: `steps_per_execution`, `jit_compile`, ...

        Returns:
            The two pretraining `History` objects.
        """
        x = self._check_input("x", x)
        epochs = tuple(epochs) if isinstance(epochs, (list, tuple)) else (epochs, epochs)
        optimizer = keras.optimizers.serialize(keras.optimizers.get(
            optimizer or keras.optimizers.SGD(0.05, momentum=0.5)))
        if not self.built:
            self.build(x.shape)
        seed = self.seed
        bottom = _ScaledRBM(self.hidden_units[0], up_scale=2.0, seed=seed, name="pretrain_bottom")
        top = _ScaledRBM(self.hidden_units[1], down_scale=2.0, seed=None if seed is None else seed + 1,
                         name="pretrain_top")
        histories = []
        data = x
        for rbm, rbm_epochs in ((bottom, epochs[0]), (top, epochs[1])):
            rbm.compile(optimizer=keras.optimizers.deserialize(optimizer), **compile_kwargs)
            histories.append(rbm.fit(data, batch_size=batch_size, epochs=check_positive_int("epochs", rbm_epochs),
                                     verbose=verbose, callbacks=callbacks))
            data = rbm.transform(data)
        self.kernel_1.assign(bottom.kernel)
        self.kernel_2.assign(top.kernel)
        self.visible_bias.assign(bottom.visible_bias)
        self.hidden_bias_1.assign(0.5 * (bottom.hidden_bias + top.visible_bias))
        self.hidden_bias_2.assign(top.hidden_bias)
        self.chains_started.assign(0.0)
        return histories

    def compile(self, optimizer=None, **kwargs):
        """Compiles for joint training; `optimizer` defaults to SGD(0.01, momentum=0.9)."""
        kwargs.pop("loss", None)
        super().compile(optimizer=optimizer or keras.optimizers.SGD(0.01, momentum=0.9), **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def check_fit_data(self, x, y, kwargs):
        if isinstance(x, (np.ndarray, list)):
            x = self._check_input("x", x)
        return super().check_fit_data(x, None, kwargs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean-field data term minus persistent-chain model term of the energy."""
        v = ops.cast(x, "float32")
        mu1, mu2 = self.mean_field(v)
        mu1, mu2 = ops.stop_gradient(mu1), ops.stop_gradient(mu2)
        stream = RandomStream(self.seed_generator)
        if training:
            batch = ops.shape(v)[0]
            pick = ops.mod(ops.arange(self.persistent_chains), batch)
            started = self.chains_started > 0
            chain_v = ops.where(started, self.chains_visible.value, ops.take(v, pick, axis=0))
            chain_h2 = ops.where(started, self.chains_hidden_2.value, ops.take(mu2, pick, axis=0))
            chain_h1 = self.chains_hidden_1.value
            for _ in range(self.gibbs_steps):
                chain_v, chain_h1, chain_h2, _ = self.gibbs_sweep(chain_v, chain_h2, stream)
            self.chains_visible.assign(chain_v)
            self.chains_hidden_1.assign(chain_h1)
            self.chains_hidden_2.assign(chain_h2)
            self.chains_started.assign(1.0)
        else:
            chain_v, chain_h1, chain_h2 = self.chains_visible.value, self.chains_hidden_1.value, self.chains_hidden_2.value
        chain_v, chain_h1, chain_h2 = (ops.stop_gradient(t) for t in (chain_v, chain_h1, chain_h2))
        loss = ops.mean(self.energy(v, mu1, mu2)) - ops.mean(self.energy(chain_v, chain_h1, chain_h2))
        self.reconstruction_tracker.update_state(ops.mean(ops.square(v - self._visible(mu1)), axis=-1))
        stream.commit()
        return scale_loss_for_replicas(loss)

    # ------------------------------------------------------------------ uses
    def _check_input(self, name, x):
        return check_array(name, ops.convert_to_numpy(x) if ops.is_tensor(x) else x, ndim=2,
                           last_dim=self.data_units if self.built else None, value_range=(0, 1))

    def _check_built(self, what):
        if not self.built:
            raise ValueError(f"Expected a built DBM for `{what}`: call `pretrain` or `fit` first. Received: an unbuilt DBM")

    def transform(self, x, layer=2, batch_size=4096):
        """Mean-field marginals of hidden layer `layer` (1 or 2) as features (NumPy)."""
        self._check_built("transform")
        if layer not in (1, 2):
            raise ValueError(f"Expected `layer` to be 1 or 2. Received: layer={layer!r}")
        x = self._check_input("x", x)
        return np.concatenate([ops.convert_to_numpy(self.mean_field(x[i : i + batch_size])[layer - 1])
                               for i in range(0, len(x), batch_size)], axis=0)

    @old_positional_order(old=("gibbs_steps", "seed"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: "seed" in kwargs)
    def sample(self, count, seed=None, batch_size=4096, *, gibbs_steps=1000):
        """Draws `count` visible vectors by block Gibbs sampling of (v, h1, h2).

        Chains start from random `h2` and the visible biases' marginals; the
        result is E[v | h1] of the last sweep. Arguments as `RBM.sample` (the
        old order `sample(count, gibbs_steps, seed=...)` works for one release).

        Returns:
            A NumPy array (count, visible units).
        """
        self._check_built("sample")
        count = check_positive_int("count", count)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        batch_size = check_positive_int("batch_size", batch_size)
        generator = self.seed_generator if seed is None else keras.random.SeedGenerator(
            check_positive_int("seed", seed, minimum=0))
        stream = RandomStream(generator)
        parts = [self._sample_chains(min(batch_size, count - start), gibbs_steps, generator, stream)
                 for start in range(0, count, batch_size)]
        if seed is None:
            stream.commit()
        return np.concatenate(parts, axis=0)

    def _sample_chains(self, count, gibbs_steps, generator, stream):
        v = stream.bernoulli(ops.broadcast_to(ops.sigmoid(self.visible_bias), (count, self.data_units)))
        h2 = stream.bernoulli(ops.full((count, self.hidden_units[1]), 0.5))
        if "chain" not in self._compiled_functions:
            variables = self._energy_variables()

            def chain(values, state, v, h2, steps):
                with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                    def body(i, carry):
                        v, h2, _, state = carry
                        local = RandomStream(generator, state)
                        v, _, h2, mean = self.gibbs_sweep(v, h2, local)
                        return v, h2, mean, local.state

                    return ops.fori_loop(0, steps, body, (v, h2, ops.zeros_like(v), state))

            self._compiled_functions["chain"] = compile_function(chain)
        steps = gibbs_steps if keras.backend.backend() == "torch" else ops.convert_to_tensor(gibbs_steps, "int32")
        _, _, mean, stream.state = self._compiled_functions["chain"](
            [p.value for p in self._energy_variables()], stream.state, v, h2, steps)
        return ops.convert_to_numpy(mean)

    def classifier_inputs(self, x):
        """`[x, q(h2 | x)]`: the inputs of `to_classifier`'s model."""
        return [self._check_input("x", x), self.transform(x)]

    def to_classifier(self, num_classes, name=None):
        """A plain Keras classifier initialised from the DBM (Salakhutdinov & Hinton 2009).

        As in the paper, the mean-field `q(h2 | x)` is a second, fixed input:
        `h1 = sigmoid(x W1 + q(h2) W2^T + c1)`, `h2 = sigmoid(h1 W2 + c2)`,
        then a new softmax layer. Feed it `dbm.classifier_inputs(x)`.

        Args:
            num_classes: number of classes, >= 2.

        Returns:
            An uncompiled functional `keras.Model` ([x, q(h2)] -> class probabilities).
        """
        num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        self._check_built("to_classifier")
        visible = keras.Input((self.data_units,), name="visible")
        marginals = keras.Input((self.hidden_units[1],), name="mean_field_hidden_2")
        first = keras.layers.Dense(self.hidden_units[0], activation="sigmoid", name="hidden_1")
        h1 = first(keras.layers.Concatenate(name="visible_and_mean_field")([visible, marginals]))
        first.set_weights([np.concatenate([ops.convert_to_numpy(self.kernel_1),
                                           ops.convert_to_numpy(self.kernel_2).T]),
                           ops.convert_to_numpy(self.hidden_bias_1)])
        second = keras.layers.Dense(self.hidden_units[1], activation="sigmoid", name="hidden_2")
        h2 = second(h1)
        second.set_weights([ops.convert_to_numpy(self.kernel_2), ops.convert_to_numpy(self.hidden_bias_2)])
        outputs = keras.layers.Dense(num_classes, activation="softmax", name="classes",
                                     kernel_initializer=keras.initializers.GlorotUniform(seed=self.seed))(h2)
        return keras.Model([visible, marginals], outputs, name=name or f"{self.name}_classifier")

    def export_parts(self):
        """`{"features": (model, metadata)}`: x -> q(h2 | x), the mean-field iterations unrolled."""
        self._check_built("export_parts")
        inputs = keras.Input((self.data_units,), name="visible")
        recognition = keras.layers.Dense(self.hidden_units[0], activation="sigmoid", name="recognition")
        up = keras.layers.Dense(self.hidden_units[0], use_bias=False, name="visible_to_hidden_1")
        down = keras.layers.Dense(self.hidden_units[0], name="hidden_2_to_hidden_1")
        top = keras.layers.Dense(self.hidden_units[1], activation="sigmoid", name="hidden_1_to_hidden_2")
        from_visible = up(inputs)
        mu2 = top(recognition(inputs))
        for step in range(self.mean_field_steps):
            mu1 = keras.layers.Activation("sigmoid", name=f"mean_field_{step}")(
                keras.layers.Add()([from_visible, down(mu2)]))
            mu2 = top(mu1)
        kernel_1, kernel_2 = ops.convert_to_numpy(self.kernel_1), ops.convert_to_numpy(self.kernel_2)
        recognition.set_weights([2.0 * kernel_1, ops.convert_to_numpy(self.hidden_bias_1)])
        up.set_weights([kernel_1])
        down.set_weights([kernel_2.T, ops.convert_to_numpy(self.hidden_bias_1)])
        top.set_weights([kernel_2, ops.convert_to_numpy(self.hidden_bias_2)])
        metadata = {"inputs": {"visible": {"range": [0.0, 1.0], "distribution": "binary",
                                           "description": "data vector in [0, 1]"}},
                    "output_range": [0.0, 1.0]}
        return {"features": (keras.Model(inputs, mu2, name=f"{self.name}_features"), metadata)}

    def get_build_config(self):
        return {"input_shape": [None, self.data_units]} if self.built else None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])

    def get_config(self):
        config = super().get_config()
        config.update(hidden_units=list(self.hidden_units), mean_field_steps=self.mean_field_steps,
                      gibbs_steps=self.gibbs_steps, persistent_chains=self.persistent_chains, seed=self.seed)
        return config
