"""Gibbs sampling for RBMs: chains, samples, input completion."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.trainers import compile_function
from keras_gen.utils import check_array
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int
from keras_gen.utils.deprecation import old_positional_order

__all__ = ["GibbsSampling", "SAMPLE_STARTS"]

SAMPLE_STARTS = ("auto", "persistent", "marginals")


class GibbsSampling:
    """The sampling half of `RBM`: Gibbs sweeps written once with `keras.ops`.

    A mixin: it expects the energy methods of `RBM`
    (`hidden_preactivation`, `visible_preactivation`,
    `sample_visible_from_preactivation`, `visible_mean_from_preactivation`),
    its `seed_generator`, `_visible_input` and `_parameter_variables`. Kept
    apart so the model file holds the energy and training, this one the
    chains that read them. Every method is documented on `RBM`'s page.

    Example:

    >>> import numpy as np
    >>> from keras_gen.models import RBM
    >>> rbm = RBM(hidden_units=4, seed=0)
    >>> rbm.build((None, 6))
    >>> rbm.sample(3, seed=1, gibbs_steps=10).shape
    (3, 6)

    References:
        Geman and Geman, "Stochastic relaxation, Gibbs distributions, and
        the Bayesian restoration of images", IEEE TPAMI 1984; Hinton, "A
        practical guide to training restricted Boltzmann machines", UTML TR
        2010-003.
    """

    def sample_hidden(self, v, seed=None):
        """Draws h ~ p(h | v). `seed`: int, or `None` for the model's generator."""
        stream = self._stream(seed)
        h = stream.bernoulli(self.hidden_probabilities(v))
        self._finish(stream, seed)
        return h

    def sample_visible(self, h, seed=None):
        """Draws v ~ p(v | h). `seed`: int, or `None` for the model's generator."""
        stream = self._stream(seed)
        v = self.sample_visible_from_preactivation(self.visible_preactivation(ops.convert_to_tensor(h)), stream)
        self._finish(stream, seed)
        return v

    def gibbs_step(self, v, stream):
        """One sweep v -> h -> v'; returns (v', visible pre-activation of v')."""
        h = stream.bernoulli(ops.sigmoid(self.hidden_preactivation(v)))
        preactivation = self.visible_preactivation(h)
        return self.sample_visible_from_preactivation(preactivation, stream), preactivation

    def run_chain(self, v, steps, stream, mask=None, known=None):
        """`steps` Gibbs sweeps from `v` (clamping `known` where `mask` is 1).

        Written with `keras.ops.fori_loop`, carrying the random state, so it
        runs inside train steps and compiled functions on every backend.

        Returns:
            (final visible sample, visible pre-activation of the last sweep).
        """

        def sweep(v, local):
            v, preactivation = self.gibbs_step(v, local)
            if mask is not None:
                v = mask * known + (1.0 - mask) * v
            return v, preactivation

        v, preactivation = sweep(v, stream)
        if isinstance(steps, int) and steps == 1:
            return v, preactivation

        def body(i, carry):
            v, _, state = carry
            local = RandomStream(stream.generator, state)
            v, preactivation = sweep(v, local)
            return v, preactivation, local.state

        v, preactivation, stream.state = ops.fori_loop(1, steps, body, (v, preactivation, stream.state))
        return v, preactivation

    def gibbs(self, v, steps=1, seed=None, mask=None):
        """Runs `steps` Gibbs sweeps from `v` and returns the visible sample.

        Args:
            v: start of the chains (batch, visible_units).
            steps: Gibbs sweeps, >= 1.
            seed: int, or `None` for the model's generator.
            mask: optional 0/1 array of `v`'s shape (or one row): units where
                it is 1 keep their values from `v` (clamped).

        Returns:
            The binary (Bernoulli) visible states after the last sweep, NumPy.
        """
        v = self._visible_input("v", v, numpy=True)
        steps = check_positive_int("steps", steps)
        if mask is None:
            return self._chain(v, steps, seed)[0]
        mask = self._check_mask(mask, v)
        return self._chain(v, steps, seed, mask=mask, known=v)[0]

    @old_positional_order(old=("gibbs_steps", "seed"), new=("seed", "batch_size"),
                          is_old=lambda args, kwargs: "seed" in kwargs)
    def sample(self, count, seed=None, batch_size=4096, *, gibbs_steps=1000, start="auto"):
        """Draws `count` visible vectors from the model by Gibbs sampling.

        Each sample is a chain of `gibbs_steps` sweeps; the result is
        E[v | h] of the last sweep (cleaner pictures than binary samples).
        A PCD-trained model starts its chains from its persistent chains
        (`start="auto"`): PCD kept them near the model's distribution all
        through training (Tieleman 2008), where chains started from noise
        need thousands of sweeps to leave the modes nearest to it. Sample
        `i` continues chain `i % persistent_chains`; copies of one chain
        part within a few thousand sweeps. `gibbs_steps` is a keyword; the
        old order `sample(count, gibbs_steps, seed=...)` still works for one
        release (deprecated).

        Args:
            count: number of samples, >= 1.
            seed: int for reproducible samples, or `None` (advances the
                model's `SeedGenerator`).
            batch_size: chains run at once.
            gibbs_steps: Gibbs sweeps per chain, >= 1.
            start: `"persistent"` (the trained persistent chains),
                `"marginals"` (a draw from the visible biases' marginals),
                or `"auto"`: persistent where the model has trained ones.

        Returns:
            A NumPy array (count, visible_units).
        """
        count = check_positive_int("count", count)
        if seed is not None:
            check_positive_int("seed", seed, minimum=0)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        batch_size = check_positive_int("batch_size", batch_size)
        start = self.resolve_start(start)
        stream = self._stream(seed)
        parts = []
        for offset in range(0, count, batch_size):
            first = self.chain_start(min(batch_size, count - offset), start, stream, offset)
            parts.append(self._chain(first, gibbs_steps, stream)[1])
        self._finish(stream, seed)
        return np.concatenate(parts, axis=0)

    def resolve_start(self, start):
        """Checks `sample`'s `start` and resolves `"auto"`.

        Args:
            start: `"auto"`, `"persistent"` or `"marginals"`.

        Returns:
            `"persistent"` or `"marginals"`; `"auto"` is persistent where the
            model has trained persistent chains.
        """
        check_in("start", start, SAMPLE_STARTS)
        trained = self.persistent and self.built and float(ops.convert_to_numpy(self.chains_started)) > 0
        if start == "auto":
            return "persistent" if trained else "marginals"
        if start == "persistent" and not trained:
            why = "whose chains have not been trained" if self.persistent else (
                "trained without persistent chains (persistent=False)")
            raise ValueError("Expected `start='persistent'` only for a model with trained persistent chains "
                             f"(persistent=True, after `fit`). Received: start='persistent' for a model {why}")
        return start

    def chain_start(self, rows, start, stream, offset=0):
        """Visible states that `rows` Gibbs chains start from.

        Args:
            rows: number of chains.
            start: `"persistent"` or `"marginals"` (see `resolve_start`).
            stream: the `RandomStream` a draw from the marginals uses.
            offset: index of the first chain: with `"persistent"`, chain `i`
                copies persistent chain `(offset + i) % persistent_chains`.

        Returns:
            Visible states (rows, visible_units).
        """
        if start == "persistent":
            chains = ops.convert_to_numpy(self.chains.value)
            return chains[np.arange(offset, offset + rows) % len(chains)]
        bias = ops.broadcast_to(self.visible_bias, (rows, self.visible_units))
        return self.sample_visible_from_preactivation(bias, stream)

    def complete(self, x, mask, gibbs_steps=100, seed=None):
        """Fills in unknown visible units by Gibbs sampling with the known ones clamped.

        Args:
            x: data (batch, visible_units); values where `mask` is 0 are ignored.
            mask: 1 where a unit is known, 0 where it is to be filled in; the
                shape of `x`, or (visible_units,) for one mask for all rows.
            gibbs_steps: Gibbs sweeps, >= 1.
            seed: int, or `None` for the model's generator.

        Returns:
            A NumPy array: `x` where known, elsewhere E[v | h] averaged over
            the second half of the sweeps (less noisy than one sweep).
        """
        x = self._visible_input("x", x, numpy=True)
        mask = self._check_mask(mask, x)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        stream = self._stream(seed)
        completed = self._complete(x, mask, gibbs_steps, stream)
        self._finish(stream, seed)
        return completed

    def _complete(self, x, mask, gibbs_steps, stream, first=None):
        # `first`: where the unknown units start (by default a draw from their marginals).
        if first is None:
            first = self.sample_visible_from_preactivation(ops.broadcast_to(self.visible_bias, x.shape), stream)
        start = mask * x + (1.0 - mask) * ops.convert_to_numpy(first)
        average = self._chain(start, gibbs_steps, stream, mask=mask, known=x)[2]
        return mask * x + (1.0 - mask) * average

    def _check_mask(self, mask, x):
        mask = check_array("mask", mask, ndim=(1, 2), value_range=(0, 1))
        if mask.shape != x.shape and mask.shape != x.shape[1:]:
            raise ValueError(
                f"Expected `mask` to have the shape of `x` {x.shape} or {x.shape[1:]}. "
                f"Received: mask with shape {mask.shape}"
            )
        if not np.isin(mask, (0.0, 1.0)).all():
            raise ValueError("Expected `mask` to hold only 0 and 1. Received: mask with other values")
        return np.broadcast_to(mask, x.shape).astype("float32")

    def _chain(self, v, steps, stream_or_seed, mask=None, known=None):
        stream = stream_or_seed if isinstance(stream_or_seed, RandomStream) else self._stream(stream_or_seed)
        if "chain" not in self._compiled_functions:
            variables = self._parameter_variables()

            def chain(values, seed_state, v, mask, known, steps):
                with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                    burn_in = steps // 2

                    def body(i, carry):
                        v, _, total, count, state = carry
                        local = RandomStream(self.seed_generator, state)
                        v, preactivation = self.run_chain(v, 1, local, mask, known)
                        mean = self.visible_mean_from_preactivation(preactivation)
                        keep = ops.cast(i >= burn_in, "float32")
                        return v, mean, total + keep * mean, count + keep, local.state

                    zeros = ops.zeros_like(v)
                    v, mean, total, count, state = ops.fori_loop(
                        0, steps, body, (v, zeros, zeros, ops.zeros(()), seed_state)
                    )
                    return v, mean, total / count, state

            # TensorFlow's XLA CPU matmuls ran ~30x slower than its graph
            # mode here; JAX is jitted either way.
            self._compiled_functions["chain"] = compile_function(chain, jit_compile=False)
        v = ops.convert_to_tensor(v, "float32")
        if mask is None:
            mask, known = ops.zeros_like(v), ops.zeros_like(v)
        if keras.backend.backend() != "torch":
            steps = ops.convert_to_tensor(steps, "int32")
        sample, mean, average, stream.state = self._compiled_functions["chain"](
            [p.value for p in self._parameter_variables()], stream.state, v,
            ops.convert_to_tensor(mask, "float32"), ops.convert_to_tensor(known, "float32"), steps,
        )
        if not isinstance(stream_or_seed, RandomStream):
            self._finish(stream, stream_or_seed)
        return ops.convert_to_numpy(sample), ops.convert_to_numpy(mean), ops.convert_to_numpy(average)

    def _stream(self, seed):
        if seed is None:
            return RandomStream(self.seed_generator)
        return RandomStream(keras.random.SeedGenerator(check_positive_int("seed", seed, minimum=0)))

    def _finish(self, stream, seed):
        if seed is None:
            stream.commit()

