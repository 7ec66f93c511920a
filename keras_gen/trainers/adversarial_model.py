"""A `keras.Model` whose training step is written once against `minimize()`."""

import keras
from keras.src.saving import serialization_lib

from keras_gen.models.generative_model import GenerativeModel
from keras_gen.trainers.optimizer_group import OptimizerGroup
from keras_gen.trainers.replicas import check_batch_size

_FLOAT16 = "mixed_float16"


class AdversarialModel(GenerativeModel):
    """Base class for models trained with more than one optimizer.

    A `keras_gen.models.GenerativeModel` (its `fit`, export contract, saved
    seeds and verbs) whose training step is written once for every backend.

    Subclasses implement `adversarial_step(data)`, calling
    `keras_gen.trainers.minimize(loss_fn, variables, optimizer)` once per
    update and returning a dict of logs (metric results). This class provides
    `train_step` for each backend: on TensorFlow and torch it calls
    `adversarial_step` directly; on JAX it maps the whole model state into one
    `keras.StatelessScope`, runs the step, and collects the new state, so
    `fit`, `steps_per_execution`, `jit_compile` and `keras.distribution` work
    unchanged.

    Subclasses may also implement `evaluation_step(data)`: the same losses
    on a batch without any update (layers called with `training=False`, only
    the metric trackers and seed generators written), returning logs. It
    backs `test_step`, hence `evaluate()` and `fit(validation_data=...)`, on
    every backend.

    Subclasses compile through `compile_optimizers(optimizers, variables)`,
    which puts the optimizers behind one `OptimizerGroup` (saved with the
    model, threaded on JAX) and records them in the compile config.

    Example:

    ```python
    class TwoPlayer(AdversarialModel):
        def adversarial_step(self, data):
            minimize(lambda: d_loss(data), self.d.trainable_variables,
                     self.optimizer["discriminator"])
            ...
            return {"d_loss": self.d_loss_tracker.result()}

        def evaluation_step(self, data):
            self.d_loss_tracker.update_state(d_loss(data, training=False))
            return {"d_loss": self.d_loss_tracker.result()}
    ```

    Subclasses whose math cannot run in float16 (even with loss scaling) set
    `supports_mixed_float16 = False`: compiling them under `mixed_float16`
    then raises instead of training on overflowed values.

    Reference: Keras guide "Customizing what happens in fit()" for each
    backend; Goodfellow et al., "Generative Adversarial Nets", 2014.
    """

    supports_mixed_float16 = True

    def adversarial_step(self, data):
        raise NotImplementedError(
            f"{type(self).__name__} must implement adversarial_step(data)."
        )

    def evaluation_step(self, data):
        raise NotImplementedError(
            f"{type(self).__name__} must implement evaluation_step(data) to support "
            "evaluate() and fit(validation_data=...)."
        )

    def _check_evaluation_step(self):
        # Raised before Keras starts: an error inside JAX's loop leaves the
        # model's variables purged (unusable).
        if type(self).evaluation_step is AdversarialModel.evaluation_step:
            self.evaluation_step(None)

    def compile_optimizers(self, optimizers, variables, **kwargs):
        """Compiles with named optimizers, each bound to its own variables.

        Args:
            optimizers: dict name -> optimizer (instance, name or config).
            variables: dict name -> list of variables that optimizer updates.
            **kwargs: passed on to `keras.Model.compile` (e.g.
                `steps_per_execution`, `jit_compile`).
        """
        float16 = _FLOAT16 in (self.dtype_policy.name, keras.mixed_precision.dtype_policy().name)
        if float16 and not self.supports_mixed_float16:
            raise ValueError(
                f"Expected a dtype policy other than 'mixed_float16' for "
                f"{type(self).__name__}: its losses do not fit float16's range even "
                "with loss scaling. Use 'mixed_bfloat16' or 'float32'. Received: "
                f"dtype_policy={_FLOAT16!r}"
            )
        group = OptimizerGroup(optimizers)
        members = group.optimizers
        if float16:
            members = {
                key: optimizer
                if isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(optimizer)
                for key, optimizer in members.items()
            }
            group = OptimizerGroup(members)
        for key, assigned in variables.items():
            group.assign(key, assigned)
        group.build([])
        # Each member scales its own loss: Keras must not wrap the group.
        super().compile(optimizer=group, **{**kwargs, "auto_scale_loss": False})
        self._adversarial_compile_config = {
            **{f"{key}_optimizer": optimizer for key, optimizer in optimizers.items()},
            **kwargs,
        }

    def check_fit_data(self, x, y, kwargs):
        # An uneven split over replicas silently reweights their losses.
        replicas = None
        if keras.backend.backend() == "tensorflow":
            replicas = self.distribute_strategy.num_replicas_in_sync
        check_batch_size(kwargs.get("batch_size"), replicas)
        if kwargs.get("validation_data") is not None or kwargs.get("validation_split"):
            self._check_evaluation_step()
        return super().check_fit_data(x, y, kwargs)

    def evaluate(self, *args, **kwargs):
        self._check_evaluation_step()
        return super().evaluate(*args, **kwargs)

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return {}
        config = getattr(self, "_adversarial_compile_config", None)
        if config is None:
            return super().get_compile_config()
        return {
            key: serialization_lib.serialize_keras_object(value) for key, value in config.items()
        }

    def compile_from_config(self, config):
        config = {
            key: serialization_lib.deserialize_keras_object(value) for key, value in config.items()
        }
        self.compile(**config)

    if keras.backend.backend() == "jax":

        def _stateless_step(self, step, groups, data):
            mapping = [
                (variable, value)
                for variables, values in groups
                for variable, value in zip(variables, values)
            ]
            with keras.StatelessScope(state_mapping=mapping) as scope:
                logs = step(data)
                logs = {key: keras.ops.convert_to_tensor(value) for key, value in logs.items()}
            new_state = tuple(
                [
                    scope.get_current_value(variable)
                    if scope.get_current_value(variable) is not None
                    else value
                    for variable, value in zip(variables, values)
                ]
                for variables, values in groups
            )
            return logs, new_state

        def train_step(self, state, data):
            (
                trainable_variables,
                non_trainable_variables,
                optimizer_variables,
                metrics_variables,
            ) = state
            groups = (
                (self.trainable_variables, trainable_variables),
                (self.non_trainable_variables, non_trainable_variables),
                (self.optimizer.variables, optimizer_variables),
                (self.metrics_variables, metrics_variables),
            )
            return self._stateless_step(self.adversarial_step, groups, data)

        def test_step(self, state, data):
            trainable_variables, non_trainable_variables, metrics_variables = state
            groups = (
                (self.trainable_variables, trainable_variables),
                (self.non_trainable_variables, non_trainable_variables),
                (self.metrics_variables, metrics_variables),
            )
            return self._stateless_step(self.evaluation_step, groups, data)

    else:

        def train_step(self, data):
            return self.adversarial_step(data)

        def test_step(self, data):
            return self.evaluation_step(data)

    if keras.backend.backend() == "tensorflow":

        def _maybe_symbolic_build(self, iterator=None, data_batch=None):
            # Keras builds compiled losses/metrics on a batch it first reduces
            # over replicas; MultiWorkerMirroredStrategy cannot reduce a nested
            # batch (the (x, y) pairs of Pix2Pix/CycleGAN) and fit fails. An
            # adversarial model compiles no loss or metrics: nothing to build.
            if self.built and self.optimizer is not None and self.optimizer.built:
                return
            super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

