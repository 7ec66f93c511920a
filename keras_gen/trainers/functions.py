"""Compiling pure tensor functions per backend, and distribution facts."""

import keras


def compile_function(function, jit_compile=True):
    """Compiles a pure function of tensors for the current backend.

    Long sampling loops written with `keras.ops.fori_loop` (AIS, Gibbs chains)
    run as one XLA program on TensorFlow and JAX; on torch the function runs
    eagerly. The function must not create or assign Keras variables; pass
    randomness as an explicit seed tensor.

    Args:
        function: a Python function of tensors returning tensors.
        jit_compile: compile with XLA on TensorFlow (graph mode otherwise).

    Returns:
        The compiled callable.

    Example:

    >>> import keras
    >>> f = compile_function(lambda x: keras.ops.sum(x * 2.0))
    >>> float(f(keras.ops.ones((3,))))
    6.0
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=jit_compile, reduce_retracing=True)
    if backend == "jax":
        import jax

        return jax.jit(function)
    if backend == "torch":
        import torch

        def no_grad_function(*args, **kwargs):
            with torch.no_grad():
                return function(*args, **kwargs)

        return no_grad_function
    return function


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
