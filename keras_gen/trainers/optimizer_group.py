"""Several named optimizers behind one `model.optimizer`."""

import keras
from keras.src.saving import serialization_lib
from keras.src.utils import tracking


@keras.saving.register_keras_serializable(package="keras_gen")
class OptimizerGroup(keras.optimizers.Optimizer):
    """Named optimizers (e.g. generator and discriminator) seen as one.

    Keras treats `model.optimizer` as the optimizer: it saves and restores
    its `variables`, and on JAX it threads exactly those variables through
    the jitted step. A second optimizer kept on the side would silently stay
    at step 0 with zero moments on JAX. Behind this group, every optimizer's
    state is saved, restored and threaded.

    Each member is built on its own variables (`assign(name, variables)`);
    updates go through `keras_gen.trainers.minimize` with the member itself.
    At the end of `fit` each member finalizes its own variables, so a member
    built with `use_ema=True` leaves its moving averages in the model. A
    `.keras` file stores each optimizer variable once, under its member.

    Args:
        optimizers: dict mapping a name to a `keras.optimizers.Optimizer`.
        name: name of the group.

    Returns:
        An optimizer whose `variables` are the members' variables.

    Example:

    >>> import keras
    >>> group = OptimizerGroup({"generator": keras.optimizers.Adam(),
    ...                         "discriminator": keras.optimizers.Adam()})
    >>> sorted(group.optimizers)
    ['discriminator', 'generator']

    Reference: `keras.optimizers.MultiOptimizer` (Keras 3.15) solves the same
    problem for one loss; adversarial models need each member applied alone.
    """

    def __init__(self, optimizers, name="optimizer_group", **kwargs):
        if not isinstance(optimizers, dict) or not optimizers:
            raise ValueError(
                "Expected `optimizers` to be a non-empty dict of name -> "
                f"keras.optimizers.Optimizer. Received: optimizers={optimizers!r}"
            )
        members = {}
        for key, optimizer in optimizers.items():
            optimizer = keras.optimizers.get(optimizer)
            if isinstance(optimizer, OptimizerGroup):
                raise ValueError(f"An OptimizerGroup cannot contain another. Received: {key}")
            members[key] = optimizer
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self._members = members
        self._init_assigned()

    @tracking.no_automatic_dependency_tracking
    def _init_assigned(self):
        # The members' model variables must not be tracked as this
        # optimizer's own state.
        self._assigned = {}

    @property
    def optimizers(self):
        """The member optimizers, by name."""
        return dict(self._members)

    def __getitem__(self, key):
        return self._members[key]

    @tracking.no_automatic_dependency_tracking
    def assign(self, key, variables):
        """Builds member `key` on `variables` (once)."""
        if key not in self._members:
            raise ValueError(
                f"Expected `key` to be one of {tuple(self._members)}. Received: key={key!r}"
            )
        self._assigned[key] = list(variables)
        if not self._members[key].built:
            self._members[key].build(self._assigned[key])

    def build(self, variables):
        for key, assigned in self._assigned.items():
            if not self._members[key].built:
                self._members[key].build(assigned)
        self.built = True

    @property
    def variables(self):
        result = self._variables[:]
        for optimizer in self._members.values():
            result.extend(optimizer.variables)
        return result

    def finalize_variable_values(self, var_list):
        # Keras calls this on `model.optimizer` at the end of fit; with
        # `use_ema` a member then overwrites its variables by their averages.
        for key, assigned in self._assigned.items():
            self._members[key].finalize_variable_values(assigned)

    def save_own_variables(self, store):
        # `variables` lists the members' state too (JAX threads it through the
        # step), but Keras also saves each member on its own: store the
        # group's own variables only, or every member's state is written twice.
        for index, variable in enumerate(self._variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store):
        # Files written before each variable was stored once hold the
        # members' state here too, after the group's own: that copy is not
        # read (the members load theirs).
        own = self._variables
        if len(store.keys()) < len(own):
            raise ValueError(
                f"Expected the saved state of optimizer group {self.name!r} to hold at least "
                f"its {len(own)} own variables. Received: {len(store.keys())} saved variables"
            )
        for index, variable in enumerate(own):
            variable.assign(store[str(index)])

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError(
            "OptimizerGroup applies no gradients itself: call "
            "keras_gen.trainers.minimize(loss_fn, variables, group[name])."
        )

    @property
    def learning_rate(self):
        raise AttributeError(
            "An OptimizerGroup has no single learning rate: use "
            "group[name].learning_rate."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        if hasattr(self, "_members"):
            raise AttributeError(
                "An OptimizerGroup has no single learning rate: set "
                "group[name].learning_rate."
            )
        self._learning_rate = value

    def get_config(self):
        return {
            "name": self.name,
            "optimizers": {
                key: serialization_lib.serialize_keras_object(optimizer)
                for key, optimizer in self._members.items()
            },
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizers"] = {
            key: serialization_lib.deserialize_keras_object(value, custom_objects=custom_objects)
            for key, value in config["optimizers"].items()
        }
        return cls(**config)
