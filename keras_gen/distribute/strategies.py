"""Building `tf.distribute` strategies with their preconditions checked."""

import keras

from keras_gen.distribute.tf_config import read_tf_config
from keras_gen.trainers import tf_distribute

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
    return tf_distribute.split_cpu(count)


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
    read_tf_config(environ, required=True)
    return tf_distribute.multi_worker_mirrored_strategy()
