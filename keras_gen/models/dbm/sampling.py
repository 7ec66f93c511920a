"""Drawing samples from a DBM by block Gibbs sampling, of a chosen class where it has label units."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.gibbs_sampling import SAMPLE_STARTS
from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.trainers import compile_function
from keras_gen.utils import check_class_labels
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_seed
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["DBMSampling"]


class DBMSampling:
    """The sampling half of `DBM`, documented on `DBM`'s page.

    A mixin: it expects `DBM`'s weights, persistent chains, `num_classes`,
    `gibbs_sweep`, `mean_field`, `seed_generator`, `_energy_variables`,
    `_compiled_functions` and `_check_built`.

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((6, 4), seed=0)
    >>> dbm.build((None, 8))
    >>> dbm.sample(3, seed=1, gibbs_steps=10).shape
    (3, 8)
    """

    @old_positional_order(old=("gibbs_steps", "seed"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: "seed" in kwargs)
    def sample(self, count, seed=None, batch_size=4096, *, gibbs_steps=1000, label=None, start="auto"):
        """Draws `count` visible vectors by block Gibbs sampling of (v, h1, h2).

        Each sample is a chain of `gibbs_steps` sweeps; the result is
        E[v | h1] of the last sweep (cleaner pictures than binary states).
        After joint training the chains continue the persistent chains
        (sample `i` continues chain `i % persistent_chains`), which joint
        training kept near the model's distribution. Otherwise they start
        from `v` drawn from the visible biases' marginals and `h2` drawn
        from its recognition pass (`sigmoid(sigmoid(2 v W1 + c1) W2 + c2)`);
        an `h2` drawn at probability 1/2 instead turns every `h1` unit off
        in a trained DBM, a state the chains never leave. With label units
        (`num_classes`), `label` clamps them so that the samples are of that
        class; without it they are drawn with the rest. The old order
        `sample(count, gibbs_steps, seed=...)` works for one release.

        Args:
            count: number of samples, >= 1.
            seed: int for reproducible samples, or `None` for the model's
                generator.
            batch_size: chains run at once, >= 1.
            gibbs_steps: sweeps per chain, >= 1.
            label: `None`, one class index for all samples, or `count` class
                indices (DBMs with label units only).
            start: `"persistent"` (the jointly trained persistent chains),
                `"marginals"`, or `"auto"`: persistent after joint training.

        Returns:
            A float32 NumPy array (count, visible units).
        """
        self._check_built("sample")
        check_in("start", start, SAMPLE_STARTS)
        trained = float(ops.convert_to_numpy(self.chains_started)) > 0
        if start == "persistent" and not trained:
            raise ValueError("Expected `start='persistent'` only after joint training (`fit`), which trains the "
                             "persistent chains. Received: start='persistent' for a DBM without trained chains")
        persistent = start == "persistent" or (start == "auto" and trained)
        count = check_positive_int("count", count)
        seed = check_seed(seed)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        batch_size = check_positive_int("batch_size", batch_size)
        labels = check_class_labels("label", label, count, self.num_classes, model="DBM")
        stream = RandomStream(self.seed_generator if seed is None else keras.random.SeedGenerator(seed))
        chain = self._chain_function(clamped=labels is not None)
        steps = gibbs_steps if keras.backend.backend() == "torch" else ops.convert_to_tensor(gibbs_steps, "int32")
        parts = []
        for offset in range(0, count, batch_size):
            rows = min(batch_size, count - offset)
            if persistent:
                index = np.arange(offset, offset + rows) % self.persistent_chains
                v = ops.take(self.chains_visible.value, index, axis=0)
                h2 = ops.take(self.chains_hidden_2.value, index, axis=0)
            else:
                v = stream.bernoulli(ops.broadcast_to(ops.sigmoid(self.visible_bias), (rows, self.data_units)))
                h2 = stream.bernoulli(self.mean_field(v, steps=0)[1])
            arguments = [[p.value for p in self._energy_variables()], stream.state, v, h2, steps]
            if labels is not None:
                arguments.append(ops.convert_to_tensor(labels[offset : offset + rows]))
            _, _, mean, stream.state = chain(*arguments)
            parts.append(ops.convert_to_numpy(mean))
        if seed is None:
            stream.commit()
        return np.concatenate(parts).astype("float32")

    def _persistent_chains(self, v, mu2, stream, advance):
        """The training chains' states `(v, h1, h2, labels or None)`, advanced `gibbs_steps` sweeps if `advance`."""
        chain_v, chain_h1, chain_h2 = self.chains_visible.value, self.chains_hidden_1.value, self.chains_hidden_2.value
        chain_l = self.chains_labels.value if self.num_classes else None
        if not advance:
            return chain_v, chain_h1, chain_h2, chain_l
        # The chains start at data and binary samples of its mean-field h2.
        pick = ops.mod(ops.arange(self.persistent_chains), ops.shape(v)[0])
        started = self.chains_started > 0
        chain_v = ops.where(started, chain_v, ops.take(v, pick, axis=0))
        chain_h2 = ops.where(started, chain_h2, stream.bernoulli(ops.take(mu2, pick, axis=0)))
        for _ in range(self.gibbs_steps):
            chain_v, chain_h1, chain_h2, _, chain_l = self.gibbs_sweep(chain_v, chain_h2, stream)
        if self.num_classes:
            self.chains_labels.assign(chain_l)
        self.chains_visible.assign(chain_v)
        self.chains_hidden_1.assign(chain_h1)
        self.chains_hidden_2.assign(chain_h2)
        self.chains_started.assign(1.0)
        return chain_v, chain_h1, chain_h2, chain_l

    def _chain_function(self, clamped):
        """`steps` Gibbs sweeps as one compiled loop (label units clamped to `labels` or drawn)."""
        key = ("chain", clamped)
        if key not in self._compiled_functions:
            variables = self._energy_variables()

            def chain(values, state, v, h2, steps, labels=None):
                with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                    def body(i, carry):
                        v, h2, _, state = carry
                        local = RandomStream(self.seed_generator, state)
                        v, _, h2, mean, _ = self.gibbs_sweep(v, h2, local, labels=labels)
                        return v, h2, mean, local.state

                    return ops.fori_loop(0, steps, body, (v, h2, ops.zeros_like(v), state))

            # TensorFlow's graph mode beat its XLA on CPU here; JAX is jitted.
            self._compiled_functions[key] = compile_function(chain, jit_compile=False)
        return self._compiled_functions[key]
