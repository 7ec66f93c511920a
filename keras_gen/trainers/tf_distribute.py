"""TensorFlow's side of `keras_gen.distribute.strategies`: the tf.distribute calls.

`keras_gen.distribute` checks the preconditions (backend, `TF_CONFIG`) and
documents the API; what touches TensorFlow is here, with the other backend
code.
"""

import keras


def split_cpu(count):
    """Splits TensorFlow's CPU into `count` logical devices; returns their names."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
        )
    except RuntimeError as error:
        raise RuntimeError(
            "TensorFlow's devices are already initialized: call "
            "logical_cpu_devices() before creating any tensor or model."
        ) from error
    return [f"/cpu:{i}" for i in range(count)]


def multi_worker_mirrored_strategy():
    """`tf.distribute.MultiWorkerMirroredStrategy()`, with Keras's scalar-log reduction fixed."""
    import tensorflow as tf

    _patch_multi_worker_log_reduction()
    return tf.distribute.MultiWorkerMirroredStrategy()


def _patch_multi_worker_log_reduction():
    # Keras 3 (through 3.15) reduces every log of a multi-worker step with
    # strategy.reduce("MEAN", value, axis=0), which fails on scalar logs:
    # "Invalid reduction dimension 0 for input with 0 dimensions"
    # (tensorflow/tensorflow#72388), so no fit() runs at all. Scalars are
    # reduced over replicas instead; everything else goes through Keras.
    from keras.src.backend.tensorflow import trainer

    original = trainer.reduce_per_replica
    if getattr(original, "keras_gen_patched", False):
        return

    def reduce_per_replica(values, strategy, reduction):
        if reduction not in ("auto", "mean") or not trainer._collective_all_reduce_multi_worker(
            strategy
        ):
            return original(values, strategy, reduction)

        def reduce(value):
            parts = getattr(value, "values", (value,))
            if parts[0].shape.rank == 0:
                return strategy.reduce("MEAN", value, axis=None)
            return original(value, strategy, reduction)

        return keras.tree.map_structure(reduce, values)

    reduce_per_replica.keras_gen_patched = True
    trainer.reduce_per_replica = reduce_per_replica
