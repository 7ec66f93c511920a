"""Saving the state of the `keras.random.SeedGenerator`s a layer owns."""

import keras
import numpy as np

__all__ = ["SavesSeedState", "owned_seed_generators", "restore_seed_states", "save_seed_states"]

# The key RBM and DBM files have used since their first release; a layer's
# further generators get "seed_state_1", "seed_state_2", ...
SEED_STATE_KEY = "seed_state"


def _key(index):
    return SEED_STATE_KEY if index == 0 else f"{SEED_STATE_KEY}_{index}"


def _is_seed_key(key):
    return key == SEED_STATE_KEY or (
        key.startswith(SEED_STATE_KEY + "_") and key[len(SEED_STATE_KEY) + 1 :].isdigit()
    )


def _as_list(generators):
    if isinstance(generators, keras.random.SeedGenerator):
        return [generators]
    return list(generators)


def owned_seed_generators(layer):
    """The `SeedGenerator`s `layer` owns directly (not through sub-layers), in creation order.

    Example:

    >>> layer = keras.layers.Layer()
    >>> layer.noise = keras.random.SeedGenerator(1)
    >>> owned_seed_generators(layer) == [layer.noise]
    True
    """
    # Keras tracks the generators assigned to a layer's attributes here.
    return list(getattr(layer, "_seed_generators", ()))


def save_seed_states(store, generators):
    """Adds the states of `generators` (one or a list) to a `save_own_variables` store.

    Keras saves no `SeedGenerator` state: without it a loaded model draws
    what a fresh one draws, and a resumed fit differs from an uninterrupted one.

    Example:

    >>> store = {}
    >>> save_seed_states(store, keras.random.SeedGenerator(3))
    >>> sorted(store)
    ['seed_state']
    """
    for index, generator in enumerate(_as_list(generators)):
        store[_key(index)] = keras.ops.convert_to_numpy(generator.state)


def restore_seed_states(store, generators):
    """Assigns the states `save_seed_states` stored; returns the store without them.

    A store saved before a generator's state was kept (an older file) leaves
    that generator as it is.

    Args:
        store: the `load_own_variables` store.
        generators: a `SeedGenerator` or a list of them, in saving order.

    Returns:
        A dict of the store's other entries, for `Layer.load_own_variables`.

    Example:

    >>> store = {}
    >>> save_seed_states(store, keras.random.SeedGenerator(3))
    >>> generator = keras.random.SeedGenerator(4)
    >>> restore_seed_states(store, generator)
    {}
    >>> keras.ops.convert_to_numpy(generator.state).tolist()
    [3, 0]
    """
    keys = list(store.keys())
    for index, generator in enumerate(_as_list(generators)):
        if _key(index) in keys:
            state = np.asarray(store[_key(index)])
            generator.state.assign(state.astype(generator.state.dtype))
    return {key: store[key] for key in keys if not _is_seed_key(key)}


class SavesSeedState:
    """Mixin for a `keras.layers.Layer`: its `.keras` files keep the states of
    the `SeedGenerator`s it owns directly, so a loaded model draws on where
    the saved one stopped.

    Example:

    >>> class Noisy(SavesSeedState, keras.layers.Layer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.noise = keras.random.SeedGenerator(5)
    >>> store = {}
    >>> Noisy().save_own_variables(store)
    >>> sorted(store)
    ['seed_state']
    """

    def save_own_variables(self, store):
        super().save_own_variables(store)
        save_seed_states(store, owned_seed_generators(self))

    def load_own_variables(self, store):
        super().load_own_variables(restore_seed_states(store, owned_seed_generators(self)))
