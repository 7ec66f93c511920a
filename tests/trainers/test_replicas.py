import keras
import numpy as np
import pytest

from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.trainers import check_batch_size
from keras_gen.trainers import replica_id
from keras_gen.trainers import scale_loss_for_replicas


def test_replica_seed_generator_matches_plain_on_one_device():
    replica = ReplicaSeedGenerator(7)
    plain = keras.random.SeedGenerator(7)
    for _ in range(3):
        a = keras.random.normal((4,), seed=replica)
        b = keras.random.normal((4,), seed=plain)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    assert int(replica_id()) == 0


def test_replica_seed_generator_round_trip():
    generator = ReplicaSeedGenerator(5, name="noise")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(generator))
    assert isinstance(restored, ReplicaSeedGenerator)
    assert restored.get_config() == generator.get_config()


def test_scale_loss_without_strategy_is_identity():
    loss = keras.ops.convert_to_tensor(3.0)
    assert float(scale_loss_for_replicas(loss)) == 3.0


def test_check_batch_size():
    assert check_batch_size(8, replicas=2) == 4
    assert check_batch_size(None) is None
    for bad in (5, 0, 2.5):
        with pytest.raises(ValueError, match=r"batch_size.*Received: batch_size="):
            check_batch_size(bad, replicas=2)
