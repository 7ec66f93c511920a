"""Random draws whose seed state is threaded explicitly, for compiled loops."""

import keras
import numpy as np

__all__ = ["RandomStream", "restore_seed_state", "save_seed_state"]


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


def save_seed_state(store, generator):
    """Adds `generator`'s state to a `save_own_variables` store.

    Keras does not save `SeedGenerator` states; saving it makes a resumed fit
    draw the same chains as an uninterrupted one.
    """
    store["seed_state"] = keras.ops.convert_to_numpy(generator.state)


def restore_seed_state(store, generator):
    """Assigns a state saved by `save_seed_state`; returns the store without it."""
    if "seed_state" not in store.keys():
        return store
    state = np.asarray(store["seed_state"])
    generator.state.assign(state.astype(generator.state.dtype))
    return {key: store[key] for key in store.keys() if key != "seed_state"}
