"""Data-parallel facts inside a step: which replica, loss scaling, batch checks.

Under `tf.distribute` every replica runs the same step on its slice of the
batch. Two things then go wrong silently in hand-written steps: a
`SeedGenerator` (a mirrored variable) hands every replica the same noise, and
the TF optimizer sums the replicas' gradients, so a loss written as a mean is
counted once per replica. The helpers here fix both; on JAX (`keras.distribution`
runs one SPMD program over the global batch) and torch they change nothing.
"""

import keras


__all__ = [
    "ReplicaSeedGenerator",
    "check_batch_size",
    "distribution_replicas",
    "replica_id",
    "scale_loss_for_replicas",
]


def distribution_replicas():
    """Number of data-parallel replicas the current step is split over.

    Returns:
        `num_replicas_in_sync` of the active `tf.distribute` strategy on
        TensorFlow, the batch-axis size of the `keras.distribution` on JAX,
        else 1.

    Example:

    >>> distribution_replicas() >= 1
    True
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return int(tf.distribute.get_strategy().num_replicas_in_sync)
    if backend == "jax":
        distribution = keras.distribution.distribution()
        if distribution is not None:
            mesh = distribution.device_mesh
            batch_dim = getattr(distribution, "batch_dim_name", None)
            if batch_dim in mesh.axis_names:
                return int(mesh.shape[mesh.axis_names.index(batch_dim)])
    return 1

# An odd 32-bit constant (the golden ratio's fraction) spreads replica ids
# over the seed space, so replica streams do not run into each other.
_REPLICA_STRIDE = 0x9E3779B1


def replica_id():
    """Index of the current `tf.distribute` replica in its sync group.

    Returns:
        An int32 scalar tensor on TensorFlow inside `strategy.run` (global
        across workers under `MultiWorkerMirroredStrategy`), else 0.

    Example:

    >>> int(replica_id())
    0
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        # Outside any strategy the default replica context also answers 0, but
        # as a tensor: a plain int keeps the single-device graph free of the
        # seed-offset ops.
        if not tf.distribute.has_strategy():
            return 0
        context = tf.distribute.get_replica_context()
        if context is not None:
            return tf.cast(context.replica_id_in_sync_group, "int32")
    return 0


@keras.saving.register_keras_serializable(package="keras_gen")
class ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `keras.random.SeedGenerator` that gives each replica its own noise.

    Its state is one mirrored variable, identical on every `tf.distribute`
    replica, so a plain `SeedGenerator` draws the same noise on all of them:
    two replicas then train on correlated fakes and corruptions, and the
    effective batch shrinks. This generator folds the replica id into each seed
    it hands out. Replica 0 (and any run without `tf.distribute`) draws exactly
    what `keras.random.SeedGenerator(seed)` draws, so single-device results do
    not change; under JAX `keras.distribution` noise is drawn for the global
    batch and already differs per sample.

    Args:
        seed: integer seed.
        name: name of the generator.

    Returns:
        A seed generator to pass as `seed=` to `keras.random` functions.

    Example:

    >>> import keras
    >>> generator = ReplicaSeedGenerator(3)
    >>> a = keras.random.normal((2,), seed=generator)
    >>> b = keras.random.normal((2,), seed=keras.random.SeedGenerator(3))
    >>> bool(keras.ops.all(a == b))
    True

    Reference: Goyal et al., "Accurate, Large Minibatch SGD", 2017 (each
    worker draws its own augmentation noise).
    """

    def next(self, ordered=True):
        seed = super().next(ordered=ordered)
        replica = replica_id()
        if isinstance(replica, int) and replica == 0:
            return seed
        # Only TensorFlow has replica tensors; its seeds are int64, so the
        # offset is kept inside uint32 like the other backends' seeds.
        offset = keras.ops.mod(keras.ops.cast(replica, "int64") * _REPLICA_STRIDE, 2**32)
        offset = keras.ops.cast(offset, seed.dtype)
        return seed + keras.ops.stack([offset, keras.ops.zeros_like(offset)])


def scale_loss_for_replicas(loss):
    """Divides a per-replica mean loss by the `tf.distribute` replica count.

    Keras does this for losses given to `compile(loss=...)`; a model that
    returns its own loss from `compute_loss` must do it itself, because the TF
    optimizer sums the replicas' gradients. Return
    `scale_loss_for_replicas(loss)` from `compute_loss`: the loss Keras logs is
    unscaled again, so logs read the same as on one device.

    Args:
        loss: scalar loss tensor (a mean over the replica's batch slice).

    Returns:
        `loss / num_replicas_in_sync` on TensorFlow under a strategy, else
        `loss` unchanged.

    Example:

    >>> float(scale_loss_for_replicas(keras.ops.convert_to_tensor(2.0)))
    2.0
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            return loss / keras.ops.cast(replicas, loss.dtype)
    return loss


def check_batch_size(batch_size, replicas=None, name="batch_size"):
    """Checks that a global batch splits evenly over the data-parallel replicas.

    An uneven split (5 over 2 replicas gives 3 and 2) weights the replicas'
    mean losses unequally: training runs but no longer matches one device.

    Args:
        batch_size: the global batch size, or None (nothing to check).
        replicas: the replica count; by default that of the active
            `tf.distribute` strategy or `keras.distribution`.
        name: the argument name used in the error.

    Returns:
        The per-replica batch size (or None).

    Raises:
        ValueError: when `batch_size` is not divisible by the replica count of
            the active `tf.distribute` strategy or `keras.distribution`.

    Example:

    >>> check_batch_size(8)
    8
    """
    if batch_size is None:
        return None
    replicas = distribution_replicas() if replicas is None else int(replicas)
    if int(batch_size) != batch_size or batch_size < 1 or batch_size % replicas:
        raise ValueError(
            f"Expected `{name}` to be a positive multiple of the number of "
            f"data-parallel replicas ({replicas}), so that every replica gets an "
            f"equal slice. Received: {name}={batch_size!r}"
        )
    return int(batch_size) // replicas
