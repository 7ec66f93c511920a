"""`steps_per_execution=N` as N steps inside one compiled call on JAX.

Keras's JAX trainer runs `steps_per_execution` as a Python loop of jitted
steps: every step still pays a dispatch, the argument flattening of the whole
model state and a host-side batch. A short step is bound by that overhead:
the RBM's CD-1 step through `fit` reached 0.49x a raw jitted loop on an H200,
and on digits (64x100, batch 10) a CPU epoch took 1.45x scikit-learn's.

Here the N batches of one execution are stacked into one window (a single
host-to-device copy, or a device-side stack when they already live there)
and a jitted `lax.fori_loop` runs the model's own `train_step` (or
`test_step`) over it, threading the state exactly as Keras's loop does: same
steps, same order, same seeds. The loop's trip count is an argument, so the
shorter window at the end of an epoch reuses the same program (padded,
the padding never read). Batches of another shape (the last, partial batch)
run through the single jitted step, as in Keras.

Keras's loop stays where it is needed: `run_eagerly=True`,
`jit_compile=False`, `steps_per_execution=1`, a `keras.distribution` (the
window would need its own sharding), Flax NNX, a batch that cannot be
stacked (leaves that are not arrays), and models that set
`multi_step_execution = False`. Batch-level callbacks need no fallback:
Keras's JAX `fit` already calls `on_train_batch_begin/end` once per
execution (with the first and last step of the window), and the logs it
passes them are the last step's in both paths.
"""

import keras
import numpy as np

__all__ = ["MultiStepTrainer", "make_multi_step_function", "multi_step_function"]


def _uses_keras_loop(model):
    if keras.backend.backend() != "jax":
        return True
    from keras.src.backend.config import is_nnx_enabled

    return (
        not getattr(model, "multi_step_execution", True)
        or model.steps_per_execution <= 1
        or model.run_eagerly
        or not model.jit_compile
        or keras.distribution.distribution() is not None
        or is_nnx_enabled()
    )


def _signature(batch):
    """What must match for two batches to stack: structure, shapes, dtypes (None: not arrays)."""
    if isinstance(batch, tuple) and all(hasattr(leaf, "shape") and hasattr(leaf, "dtype") for leaf in batch):
        leaves, structure = batch, len(batch)  # the usual `(x,)` / `(x, y)`: no tree walk per batch
    else:
        import jax

        leaves, structure = jax.tree_util.tree_flatten(batch)
        if not all(hasattr(leaf, "shape") and hasattr(leaf, "dtype") for leaf in leaves):
            return None
    return structure, tuple((tuple(leaf.shape), leaf.dtype) for leaf in leaves)


def _groups(batches):
    """Runs of consecutive batches with the same structure, shapes and dtypes."""
    groups = []
    for batch in batches:
        signature = _signature(batch)
        if groups and signature is not None and groups[-1][0] == signature:
            groups[-1][1].append(batch)
        else:
            groups.append((signature, [batch]))
    return groups


def _stack(batches, length):
    """One (length, ...) array per leaf; rows past `len(batches)` repeat the last batch."""
    import jax
    import jax.numpy as jnp

    padded = list(batches) + [batches[-1]] * (length - len(batches))

    def stack(*leaves):
        if all(isinstance(leaf, np.ndarray) for leaf in leaves):
            # One host copy and one transfer instead of one per batch.
            return jax.device_put(np.stack(leaves))
        return jnp.stack(leaves)

    return jax.tree_util.tree_map(stack, *padded)


def _distinct_buffers(state):
    """Copies repeated arrays: a model that lists a variable twice (a metric
    tracked by two owners) hands the same array twice, and one buffer cannot
    be donated twice. (Keras's single step gets away with it because the
    unused duplicate is pruned; the loop carries every entry.)"""
    import jax

    seen = set()

    def distinct(leaf):
        if id(leaf) in seen:
            return jax.numpy.array(leaf, copy=True)
        seen.add(id(leaf))
        return leaf

    return jax.tree_util.tree_map(distinct, state)


def _as_carry(state):
    # fori_loop needs the body's output tree to equal its input's: Keras's
    # steps return the state as a tuple of lists.
    return tuple(list(part) for part in state)


def multi_step_function(model, step_function):
    """A Keras JAX `train_function`/`test_function` that runs a window of steps in one call.

    Args:
        model: a compiled `keras.Model` on the JAX backend.
        step_function: the model's stateless step, `(state, data) -> (logs,
            state)` (`model.train_step` or `model.test_step`).

    Returns:
        A function `(state, iterator) -> (logs, state)` that pulls up to
        `model.steps_per_execution` batches from `iterator`, as Keras's own
        one does; or `None` where Keras's loop must run (see the module
        docstring).

    Example:

    ```python
    model.compile(optimizer="sgd", steps_per_execution=64)
    model.train_function = multi_step_function(model, model.train_step)
    ```

    Reference: JAX documentation, `jax.lax.fori_loop`; Keras 3
    `JAXTrainer._make_function` (the loop this replaces).
    """
    if _uses_keras_loop(model):
        return None
    import jax

    steps = int(model.steps_per_execution)

    def window(state, batches, count):
        state = _as_carry(state)
        first = jax.tree_util.tree_map(lambda leaf: leaf[0], batches)
        shapes = jax.eval_shape(step_function, state, first)[0]
        logs = jax.tree_util.tree_map(lambda s: jax.numpy.zeros(s.shape, s.dtype), shapes)

        def body(index, carry):
            state, _ = carry
            batch = jax.tree_util.tree_map(
                lambda leaf: jax.lax.dynamic_index_in_dim(leaf, index, keepdims=False), batches)
            logs, state = step_function(state, batch)
            return _as_carry(state), logs

        state, logs = jax.lax.fori_loop(0, count, body, (state, logs))
        return logs, state

    window = jax.jit(window, donate_argnums=0)
    single = jax.jit(step_function, donate_argnums=0)

    def run(state, iterator):
        batches = [next(iterator)]  # StopIteration here ends the epoch, as in Keras
        try:
            for _ in range(steps - 1):
                batches.append(next(iterator))
        except StopIteration:
            pass
        logs, state = None, _distinct_buffers(state)
        for signature, group in _groups(batches):
            if signature is None or len(group) == 1:
                for batch in group:
                    logs, state = single(state, batch)
            else:
                logs, state = window(state, _stack(group, steps), np.int32(len(group)))
        return logs, state

    return run


class MultiStepTrainer:
    """Mixin for `keras.Model` subclasses: `steps_per_execution` steps per compiled call on JAX.

    Put it before `keras.Model` in the bases. On JAX its
    `make_train_function`/`make_test_function` install `multi_step_function`
    where it applies and Keras's own otherwise; on TensorFlow (whose
    `steps_per_execution` already runs in one `tf.function` while-loop) and
    torch it changes nothing. A subclass sets `multi_step_execution = False`
    to keep Keras's loop.

    Example:

    ```python
    class MyModel(MultiStepTrainer, keras.Model):
        ...

    model.compile(optimizer="sgd", steps_per_execution=100)
    model.fit(x, batch_size=10)  # on JAX: 100 steps per dispatch
    ```

    Reference: Keras guide "Customizing what happens in fit() with JAX".
    """

    multi_step_execution = True

    if keras.backend.backend() == "jax":

        def make_train_function(self, force=False):
            return make_multi_step_function(self, "train", force, super().make_train_function)

        def make_test_function(self, force=False):
            return make_multi_step_function(self, "test", force, super().make_test_function)


def make_multi_step_function(model, kind, force, keras_make):
    """`make_train_function`/`make_test_function` of a JAX model: the window when it applies.

    Args:
        model: the model.
        kind: `"train"` or `"test"`.
        force: rebuild even if the function exists.
        keras_make: Keras's own `make_<kind>_function` (bound), used where
            Keras's loop must run.

    Returns:
        The installed function.

    Example:

    ```python
    def make_train_function(self, force=False):  # in a keras.Model subclass, on JAX
        return make_multi_step_function(self, "train", force, super().make_train_function)
    ```
    """
    attribute = f"{kind}_function"
    if getattr(model, attribute) is not None and not force:
        return getattr(model, attribute)
    function = multi_step_function(model, model.train_step if kind == "train" else model.test_step)
    if function is None:
        return keras_make(force=force)
    setattr(model, attribute, function)
    return function
