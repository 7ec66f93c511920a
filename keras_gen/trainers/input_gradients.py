"""`input_gradients(function, inputs)`: a gradient with respect to inputs,
differentiable again (for gradient penalties), per backend."""

import keras


def _input_gradients_tensorflow(function, inputs):
    import tensorflow as tf

    # Nested inside minimize()'s tape, so the penalty on this gradient is
    # itself differentiated with respect to the weights.
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = function(inputs)
    return tape.gradient(outputs, inputs)


def _input_gradients_torch(function, inputs):
    import torch

    # Keras evaluates under no_grad; the penalty's gradient is needed there too.
    with torch.enable_grad():
        inputs = inputs.detach().requires_grad_(True)
        outputs = function(inputs)
        (gradients,) = torch.autograd.grad(outputs, inputs, create_graph=True)
    return gradients


def _input_gradients_jax(function, inputs):
    import jax
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    outer = get_stateless_scope()

    def pure(values):
        if outer is None:
            return function(values)
        # The function reads the (traced) weights of the enclosing scope;
        # state it writes (batch statistics, seeds) is dropped, because it
        # would leak this inner trace.
        inner = keras.StatelessScope()
        inner.state_mapping = dict(outer.state_mapping)
        with inner:
            return function(values)

    return jax.grad(pure)(inputs)


_IMPLEMENTATIONS = {
    "tensorflow": _input_gradients_tensorflow,
    "jax": _input_gradients_jax,
    "torch": _input_gradients_torch,
}


def input_gradients(function, inputs):
    """Gradient of the scalar `function(inputs)` with respect to `inputs`.

    The result keeps its dependence on the weights that `function` reads, so
    a loss built on it (the WGAN-GP gradient penalty) can be minimized with
    `keras_gen.trainers.minimize`: a nested `tf.GradientTape` on TensorFlow,
    `torch.autograd.grad(create_graph=True)` on torch, `jax.grad` inside the
    enclosing stateless scope on JAX.

    Args:
        function: a function of one tensor returning a scalar tensor.
        inputs: a floating tensor.

    Returns:
        A tensor shaped like `inputs`.

    Example:

    >>> import keras
    >>> x = keras.ops.convert_to_tensor([1.0, 2.0])
    >>> keras.ops.convert_to_numpy(
    ...     input_gradients(lambda v: keras.ops.sum(v * v), x)).tolist()
    [2.0, 4.0]

    Reference: Gulrajani et al., "Improved Training of Wasserstein GANs",
    NeurIPS 2017.
    """
    inputs = keras.ops.convert_to_tensor(inputs)
    return _IMPLEMENTATIONS[keras.backend.backend()](function, inputs)
