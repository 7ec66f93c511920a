"""`minimize(loss_fn, variables, optimizer)`: one gradient step, per backend."""

import keras


def _check(variables, optimizer):
    variables = list(variables)
    if not variables:
        raise ValueError("Expected at least one variable to minimize. Received: variables=[]")
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise ValueError(
            "Expected `optimizer` to be a keras.optimizers.Optimizer. "
            f"Received: optimizer={optimizer!r}"
        )
    return variables


def _float32_loss(loss):
    # Under mixed precision a loss computed from float16 outputs would
    # overflow once multiplied by the loss scale (2**15): scale in float32.
    loss = keras.ops.convert_to_tensor(loss)
    if loss.dtype != "float32" and "float" in str(loss.dtype):
        loss = keras.ops.cast(loss, "float32")
    return loss


def _minimize_tensorflow(loss_fn, variables, optimizer):
    import tensorflow as tf

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    with tf.GradientTape() as tape:
        loss = _float32_loss(loss_fn())
        # The TF optimizer sums gradients over replicas; a per-replica mean
        # loss must be divided by the replica count to keep the global mean.
        scaled = optimizer.scale_loss(loss) / replicas
    gradients = tape.gradient(scaled, variables)
    gradients = [
        keras.ops.zeros_like(v) if g is None else g for g, v in zip(gradients, variables)
    ]
    optimizer.apply(gradients, variables)
    return loss


def _minimize_torch(loss_fn, variables, optimizer):
    import torch

    # Gradients from an earlier minimize() over shared sub-networks (the
    # discriminator during the generator step) must not leak into this one.
    for variable in variables:
        variable.value.grad = None
    loss = _float32_loss(loss_fn())
    optimizer.scale_loss(loss).backward()
    gradients = [
        torch.zeros_like(v.value) if v.value.grad is None else v.value.grad for v in variables
    ]
    with torch.no_grad():
        optimizer.apply(gradients, variables)
    for variable in variables:
        variable.value.grad = None
    return loss.detach()


def _minimize_jax(loss_fn, variables, optimizer):
    import jax
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    outer = get_stateless_scope()
    if outer is None:
        raise RuntimeError(
            "On the JAX backend, minimize() must run inside "
            "AdversarialModel.train_step (or another keras.StatelessScope "
            "that maps every state variable)."
        )
    base = dict(outer.state_mapping)
    differentiated = [id(v) for v in variables]
    missing = [v.path for v in variables if id(v) not in base]
    if missing:
        raise RuntimeError(f"Variables not mapped in the enclosing StatelessScope: {missing}")
    differentiated_set = set(differentiated)

    def pure_loss(values):
        # A nested StatelessScope does not fall back to the outer one, so
        # every state variable is mapped here, not only the differentiated.
        inner = keras.StatelessScope()
        inner.state_mapping = dict(base)
        inner.state_mapping.update(zip(differentiated, values))
        with inner:
            loss = _float32_loss(loss_fn())
            scaled = optimizer.scale_loss(loss)
        updates = {
            key: value
            for key, value in inner.state_mapping.items()
            if key not in differentiated_set and value is not base.get(key)
        }
        return scaled, (loss, updates)

    values = [base[key] for key in differentiated]
    (_, (loss, updates)), gradients = jax.value_and_grad(pure_loss, has_aux=True)(values)
    # Side effects of the forward pass (batch-norm statistics, seed
    # generator states) carry on in the outer scope.
    outer.state_mapping.update(updates)
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        _loss_scaled_apply_jax(optimizer, gradients, variables, outer)
    else:
        optimizer.apply(gradients, variables)
    return loss


def _loss_scaled_apply_jax(optimizer, gradients, variables, scope):
    # LossScaleOptimizer.apply assigns inside ops.cond branches, which leaks
    # tracers out of the jitted step; its stateless form returns new values.
    built = optimizer._trainable_variables
    position = {id(v): i for i, v in enumerate(variables)}
    if set(position) != {id(v) for v in built}:
        raise ValueError(
            "Expected `variables` to be the variables the LossScaleOptimizer was "
            f"built on ({len(built)} variables). Received: {len(variables)} variables"
        )
    mapping = scope.state_mapping
    new_trainable, new_optimizer = optimizer.stateless_apply(
        [mapping[id(v)] for v in optimizer.variables],
        [gradients[position[id(v)]] for v in built],
        [mapping[id(v)] for v in built],
    )
    for variable, value in zip(list(built) + list(optimizer.variables),
                               list(new_trainable) + list(new_optimizer)):
        mapping[id(variable)] = value


_IMPLEMENTATIONS = {
    "tensorflow": _minimize_tensorflow,
    "jax": _minimize_jax,
    "torch": _minimize_torch,
}


def minimize(loss_fn, variables, optimizer):
    """Takes one gradient step of `loss_fn()` on `variables` with `optimizer`.

    The hook that multi-optimizer models (GAN, Pix2Pix, CycleGAN) write their
    step against, once for every backend: `tf.GradientTape` on TensorFlow,
    `loss.backward()` on torch, `jax.value_and_grad` inside the stateless scope
    of `AdversarialModel.train_step` on JAX. Loss scaling (`mixed_float16`
    through `keras.optimizers.LossScaleOptimizer`) and `tf.distribute` replica
    scaling are applied here, so model code never sees them.

    Args:
        loss_fn: a function of no arguments returning a scalar loss tensor. It
            must compute everything that depends on `variables` itself (it
            is traced again on JAX).
        variables: the `keras.Variable`s to update.
        optimizer: a built `keras.optimizers.Optimizer` that owns `variables`.

    Returns:
        The (unscaled) loss value as float32, without gradient history.

    Example:

    ```python
    def discriminator_loss():
        real = discriminator(images, training=True)
        fake = discriminator(generator(noise), training=True)
        return losses.discriminator_loss(real, fake)

    minimize(discriminator_loss, discriminator.trainable_variables,
             discriminator_optimizer)
    ```

    Reference: the alternating updates of Goodfellow et al., "Generative
    Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """
    variables = _check(variables, optimizer)
    return _IMPLEMENTATIONS[keras.backend.backend()](loss_fn, variables, optimizer)
