import keras
import numpy as np
import pytest

from keras_gen.models.rbm.random_stream import RandomStream


def _state(generator):
    return keras.ops.convert_to_numpy(generator.state.value)


def test_draws_have_shape_dtype_and_range():
    stream = RandomStream(keras.random.SeedGenerator(3))
    uniform = keras.ops.convert_to_numpy(stream.uniform((4, 5)))
    assert uniform.shape == (4, 5) and uniform.dtype == np.float32
    assert uniform.min() >= 0.0 and uniform.max() < 1.0
    normal = keras.ops.convert_to_numpy(stream.normal((200,)))
    assert normal.shape == (200,) and normal.std() > 0.5 and normal.min() < 0.0
    integers = keras.ops.convert_to_numpy(stream.randint((50,), 2, 5))
    assert integers.dtype == np.int32
    assert set(np.unique(integers)) <= {2, 3, 4} and len(np.unique(integers)) > 1


def test_state_advances_without_touching_generator_until_commit():
    generator = keras.random.SeedGenerator(7)
    before = _state(generator)
    stream = RandomStream(generator)
    first = keras.ops.convert_to_numpy(stream.uniform((3,)))
    second = keras.ops.convert_to_numpy(stream.uniform((3,)))
    assert not np.allclose(first, second)
    np.testing.assert_array_equal(_state(generator), before)
    stream.commit()
    np.testing.assert_array_equal(_state(generator), keras.ops.convert_to_numpy(stream.state))
    assert not np.array_equal(_state(generator), before)


def test_same_seed_same_draws_and_commit_continues_sequence():
    a = RandomStream(keras.random.SeedGenerator(11))
    b = RandomStream(keras.random.SeedGenerator(11))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(a.normal((2, 3))), keras.ops.convert_to_numpy(b.normal((2, 3)))
    )
    # A new stream on a committed generator continues where the old one stopped.
    generator = keras.random.SeedGenerator(5)
    stream = RandomStream(generator)
    stream.uniform((2,))
    expected = keras.ops.convert_to_numpy(RandomStream(generator, state=stream.state).uniform((2,)))
    stream.commit()
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(RandomStream(generator).uniform((2,))), expected
    )


def test_bernoulli_follows_probabilities():
    stream = RandomStream(keras.random.SeedGenerator(0))
    probabilities = keras.ops.convert_to_tensor(
        np.array([[0.0] * 100, [1.0] * 100, [0.5] * 100], dtype="float32")
    )
    samples = keras.ops.convert_to_numpy(stream.bernoulli(probabilities))
    assert samples.dtype == np.float32
    assert samples[0].sum() == 0 and samples[1].sum() == 100
    assert 25 < samples[2].sum() < 75
    assert set(np.unique(samples)) <= {0.0, 1.0}


def test_moved_seed_state_helpers_still_resolve_with_a_warning():
    from keras_gen.models.rbm import random_stream
    from keras_gen.utils import seed_state

    with pytest.warns(DeprecationWarning, match="save_seed_states"):
        assert random_stream.save_seed_state is seed_state.save_seed_states
    with pytest.raises(AttributeError):
        random_stream.no_such_name  # noqa: B018
