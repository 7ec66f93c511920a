import keras
import numpy as np
import pytest

from keras_gen.models.cyclegan import ImagePool


def _values(x):
    return keras.ops.convert_to_numpy(x)[:, 0, 0, 0]


def test_fills_then_mixes_history():
    pool = ImagePool(pool_size=4, image_shape=(2, 2, 1), seed=3)
    seen = []
    for step in range(30):
        batch = np.full((2, 2, 2, 1), 0.0, "float32")
        batch[:, 0, 0, 0] = [2 * step + 1, 2 * step + 2]
        out = _values(pool(batch))
        if step < 2:  # filling: images pass through unchanged
            np.testing.assert_array_equal(out, batch[:, 0, 0, 0])
        seen.extend(out.tolist())
        filled = min(2 * step + 2, 4)
        stored = _values(pool.buffer)[:filled]
        assert set(stored.tolist()) <= set(range(1, 2 * step + 3))
    assert int(keras.ops.convert_to_numpy(pool.count)) == 4
    # Roughly half the returned images once full come from earlier steps.
    late = np.array(seen[4:]).reshape(-1, 2)
    current = np.array([[2 * s + 1, 2 * s + 2] for s in range(2, 30)])
    old_share = float((late != current).mean())
    assert 0.25 < old_share < 0.75


def test_saved_pool_draws_on_where_it_stopped():
    pool = ImagePool(pool_size=2, image_shape=(2, 2, 1), seed=3)
    batches = [np.full((2, 2, 2, 1), value, "float32") for value in range(1, 16)]
    for batch in batches[:3]:
        pool(batch)
    store = {}
    pool.save_own_variables(store)
    # Another seed: only a restored state makes it draw what `pool` draws.
    restored = ImagePool(pool_size=2, image_shape=(2, 2, 1), seed=4)
    restored.load_own_variables(store)
    for batch in batches[3:]:
        np.testing.assert_array_equal(_values(pool(batch)), _values(restored(batch)))
    # A store written before the seed state was saved still loads.
    old = {key: value for key, value in store.items() if not key.startswith("seed_state")}
    ImagePool(pool_size=2, image_shape=(2, 2, 1)).load_own_variables(old)


def test_zero_pool_is_identity():
    pool = ImagePool(pool_size=0, image_shape=(2, 2, 1))
    x = np.random.default_rng(0).normal(size=(3, 2, 2, 1)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(pool(x)), x)


def test_bad_arguments():
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(pool_size=-1, image_shape=(2, 2, 1))
    with pytest.raises(ValueError, match="image_shape"):
        ImagePool(pool_size=2, image_shape=(2, 2))
