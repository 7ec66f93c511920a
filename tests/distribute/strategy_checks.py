"""Checks that need a 2-device MirroredStrategy, run in a fresh process
(logical devices must be configured before TensorFlow starts)."""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from keras_gen.distribute import logical_cpu_devices  # noqa: E402

DEVICES = logical_cpu_devices(2)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gen.trainers import ReplicaSeedGenerator  # noqa: E402
from tests.trainers.toy_adversarial import fixed_problem  # noqa: E402


def replica_noise():
    strategy = tf.distribute.MirroredStrategy(DEVICES)
    with strategy.scope():
        generator = ReplicaSeedGenerator(3)
        plain = keras.random.SeedGenerator(3)

    @tf.function
    def draw():
        return strategy.run(lambda: (keras.random.normal((3,), seed=generator),
                                     keras.random.normal((3,), seed=plain)))

    ours, theirs = (
        [v.numpy() for v in strategy.experimental_local_results(result)] for result in draw()
    )
    assert np.array_equal(theirs[0], theirs[1]), "plain SeedGenerator should repeat per replica"
    assert np.abs(ours[0] - ours[1]).max() > 0.01, "replicas drew the same noise"
    assert np.array_equal(ours[0], theirs[0]), "replica 0 must draw what one device draws"


def uneven_batch():
    strategy = tf.distribute.MirroredStrategy(DEVICES)
    with strategy.scope():
        model, real, noise = fixed_problem()
        model.compile(generator_optimizer="sgd", discriminator_optimizer="sgd")
    try:
        model.fit((real, noise), batch_size=5, epochs=1, verbose=0)
    except ValueError as error:
        assert "multiple of the number of data-parallel replicas (2)" in str(error), error
    else:
        raise AssertionError("batch_size=5 over 2 replicas was accepted")


if __name__ == "__main__":
    replica_noise()
    uneven_batch()
    print("strategy checks passed")
