"""Building `tf.distribute` strategies with their preconditions checked."""

import keras

__all__ = ["logical_cpu_devices", "multi_worker_strategy"]


def _require_tensorflow(what):
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            f"Expected the Keras backend to be 'tensorflow' for {what}; on JAX use "
            f"keras.distribution (DataParallel, ModelParallel). Received: backend={backend!r}"
        )


def logical_cpu_devices(count):
    """Splits the CPU into `count` logical devices (to test strategies on one CPU).

    Must run before TensorFlow initializes its devices, i.e. before the first
    tensor is created; in tests, in a fresh subprocess.

    Args:
        count: number of logical CPU devices.

    Returns:
        The device names, e.g. `["/cpu:0", "/cpu:1"]`.

    Example:

    ```python
    devices = logical_cpu_devices(2)
    strategy = tf.distribute.MirroredStrategy(devices)
    ```
    """
    _require_tensorflow("logical CPU devices")
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


def multi_worker_strategy(environ=None):
    """`tf.distribute.MultiWorkerMirroredStrategy` after checking `TF_CONFIG`.

    Args:
        environ: mapping holding `TF_CONFIG` (default `os.environ`).

    Returns:
        The strategy. Every worker must call this before building its model.

    Raises:
        ValueError: on a missing or malformed `TF_CONFIG` (see
            `keras_gen.distribute.read_tf_config`), or a non-TensorFlow backend.

    Example:

    ```python
    strategy = multi_worker_strategy()
    with strategy.scope():
        model = GAN(...)
        model.compile(...)
    model.fit(dataset, callbacks=[keras_gen.callbacks.BackupAndRestore(dir)])
    ```
    """
    _require_tensorflow("MultiWorkerMirroredStrategy")
    from keras_gen.distribute.tf_config import read_tf_config

    read_tf_config(environ, required=True)
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
