"""Compiling a pure tensor function for the current backend."""

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

        # autograph=False: the function is written with keras.ops control flow
        # (it must also trace under jax.jit), so there is nothing to convert.
        # With autograph, one test run saw a DBM chain trace `energy` where it
        # calls `gibbs_sweep` (order-dependent, not reproduced since).
        return tf.function(function, jit_compile=jit_compile, reduce_retracing=True, autograph=False)
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
