"""Random draws whose seed state is threaded explicitly, for compiled loops."""

import keras

from keras_gen.utils.deprecation import moved_names_getattr

__all__ = ["RandomStream"]


class RandomStream:
    """Draws from a `keras.random.SeedGenerator` with its state held as a tensor.

    A `SeedGenerator` advances by assigning its state variable, which a
    `keras.ops.fori_loop` body cannot do on JAX and which compiled pure
    functions must not do at all. `RandomStream` reads the state once, threads
    it through each draw as a plain tensor (carry `stream.state` through loop
    bodies), and `commit()` writes it back when the caller is allowed to assign
    variables (inside a train step, or eagerly). Works on every backend.

    Args:
        generator: the `keras.random.SeedGenerator` that owns the randomness.
        state: the current seed state tensor; defaults to the generator's.

    Example:

    >>> import keras
    >>> generator = keras.random.SeedGenerator(1)
    >>> stream = RandomStream(generator)
    >>> tuple(stream.uniform((2, 3)).shape)
    (2, 3)
    >>> stream.commit()
    """

    def __init__(self, generator, state=None):
        self.generator = generator
        self.state = generator.state.value if state is None else state

    def _draw(self, function, *args, **kwargs):
        mapping = [(self.generator.state, self.state)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            values = function(*args, seed=self.generator, **kwargs)
        self.state = scope.get_current_value(self.generator.state)
        return values

    def uniform(self, shape, dtype="float32"):
        """Uniform [0, 1) draws of `shape`."""
        return self._draw(keras.random.uniform, shape, dtype=dtype)

    def normal(self, shape, dtype="float32"):
        """Standard normal draws of `shape`."""
        return self._draw(keras.random.normal, shape, dtype=dtype)

    def randint(self, shape, minval, maxval):
        """Integers in [minval, maxval) of `shape`."""
        return self._draw(keras.random.randint, shape, minval, maxval, dtype="int32")

    def bernoulli(self, probabilities):
        """0/1 samples (float32) with the given probabilities."""
        uniform = self.uniform(keras.ops.shape(probabilities))
        return keras.ops.cast(uniform < probabilities, probabilities.dtype)

    def commit(self):
        """Assigns the threaded state back to the generator's variable."""
        self.generator.state.assign(self.state)


# The seed-state helpers serve every family now (`GenerativeModel` saves the
# state of each generator a model owns).
__getattr__ = moved_names_getattr(__name__, {
    "save_seed_state": "keras_gen.utils.seed_state:save_seed_states",
    "restore_seed_state": "keras_gen.utils.seed_state:restore_seed_states",
})
