import keras
import numpy as np
import pytest

from keras_gen.utils.seed_state import SavesSeedState
from keras_gen.utils.seed_state import owned_seed_generators
from keras_gen.utils.seed_state import restore_seed_states
from keras_gen.utils.seed_state import save_seed_states


class TwoDraws(SavesSeedState, keras.layers.Layer):
    """A layer owning two generators, and a sub-layer owning a third."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.random.SeedGenerator(seed)
        self.second = keras.random.SeedGenerator(seed + 1)
        self.inner = keras.layers.Dropout(0.5, seed=seed + 2)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        first = keras.random.normal(keras.ops.shape(x), seed=self.first)
        return self.scale * (x + first + keras.random.uniform(keras.ops.shape(x), seed=self.second))


def _state(generator):
    return keras.ops.convert_to_numpy(generator.state)


def test_a_layer_saves_the_generators_it_owns(backend):
    layer = TwoDraws(3)
    assert owned_seed_generators(layer) == [layer.first, layer.second]
    x = np.zeros((2, 3), "float32")
    layer(x)
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "seed_state", "seed_state_1"]
    restored = TwoDraws(7)
    restored.load_own_variables(store)
    np.testing.assert_array_equal(_state(restored.first), _state(layer.first))
    np.testing.assert_array_equal(_state(restored.second), _state(layer.second))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(restored(x)),
                                  keras.ops.convert_to_numpy(layer(x)))


def test_a_store_without_seed_states_loads_and_keeps_the_generators(backend):
    layer = TwoDraws(3)
    before = _state(layer.first)
    layer.load_own_variables({"0": np.float32(2.0)})  # saved before seeds were kept
    np.testing.assert_array_equal(_state(layer.first), before)
    assert float(keras.ops.convert_to_numpy(layer.scale)) == 2.0


def test_the_first_key_reads_rbm_and_dbm_files(backend):
    # RBM and DBM files store their one generator under "seed_state".
    generator = keras.random.SeedGenerator(0)
    rest = restore_seed_states({"seed_state": np.array([9, 4]), "0": np.zeros(2)}, [generator])
    assert _state(generator).tolist() == [9, 4] and list(rest) == ["0"]
    store = {}
    save_seed_states(store, [generator, keras.random.SeedGenerator(1)])
    assert sorted(store) == ["seed_state", "seed_state_1"]


def test_old_helper_names_warn_and_forward():
    from keras_gen.models.rbm import random_stream

    with pytest.warns(DeprecationWarning, match="save_seed_state"):
        assert random_stream.save_seed_state is save_seed_states
