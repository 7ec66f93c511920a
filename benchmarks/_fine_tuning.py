"""Optimizers of the Boltzmann benchmarks' supervised fine-tuning.

Two recipes, chosen by name (`--fine-tune-optimizer`):

- `adam`: Adam 1e-3 with cosine decay to 0 over the run (the recipe of the
  earlier stops).
- `dropout-sgd`: the gradient descent of Hinton et al., "Improving neural
  networks by preventing co-adaptation of feature detectors" (2012), as
  MGL's MNIST example (`example/mnist.lisp`, `train-mnist-bpn-gd`) uses it
  to fine-tune the DBM with dropout: batch 100, momentum rising linearly
  from 0.5 to 0.99 over min(500, epochs / 2) epochs, each step
  `learning_rate * (1 - momentum) * 0.998 ** epoch` (the epoch counted in
  fractions), learning rate 1, no weight penalty.
"""

import keras
from keras import ops

FINE_TUNING_OPTIMIZERS = ("adam", "dropout-sgd")


@keras.saving.register_keras_serializable(package="keras_gen_benchmarks")
class DropoutSGD(keras.optimizers.SGD):
    """SGD whose momentum ramps up and whose step decays per epoch (Hinton et al. 2012).

    velocity = m(t) * velocity - learning_rate * (1 - m(t)) * decay ** e(t) * gradient,
    with e(t) = t / steps_per_epoch and m(t) rising linearly from
    `initial_momentum` to `final_momentum` over `ramp_epochs`.
    """

    def __init__(self, steps_per_epoch, ramp_epochs, learning_rate=1.0, decay=0.998, initial_momentum=0.5,
                 final_momentum=0.99, **kwargs):
        kwargs.pop("momentum", None)  # from get_config: the ramp decides it
        # A nonzero momentum makes SGD build its velocity slots.
        super().__init__(learning_rate=learning_rate, momentum=final_momentum, **kwargs)
        if steps_per_epoch < 1 or ramp_epochs <= 0:
            raise ValueError(f"Expected steps_per_epoch >= 1 and ramp_epochs > 0. Received: "
                             f"steps_per_epoch={steps_per_epoch}, ramp_epochs={ramp_epochs}")
        self.steps_per_epoch, self.ramp_epochs, self.decay = steps_per_epoch, ramp_epochs, decay
        self.initial_momentum, self.final_momentum = initial_momentum, final_momentum

    def update_step(self, gradient, variable, learning_rate):
        epoch = ops.cast(self.iterations, variable.dtype) / self.steps_per_epoch
        weight = ops.minimum(epoch / self.ramp_epochs, 1.0)
        momentum = self.initial_momentum + (self.final_momentum - self.initial_momentum) * weight
        rate = ops.cast(learning_rate, variable.dtype) * (1.0 - momentum) * ops.power(self.decay, epoch)
        velocity = self.momentums[self._get_variable_index(variable)]
        self.assign(velocity, momentum * velocity - rate * ops.cast(gradient, variable.dtype))
        self.assign_add(variable, velocity)

    def get_config(self):
        return super().get_config() | {
            "steps_per_epoch": self.steps_per_epoch, "ramp_epochs": self.ramp_epochs, "decay": self.decay,
            "initial_momentum": self.initial_momentum, "final_momentum": self.final_momentum}


def fine_tuning_optimizer(name, epochs, steps_per_epoch):
    """The named recipe's optimizer for `epochs` epochs of `steps_per_epoch` steps, and its description."""
    if name == "adam":
        schedule = keras.optimizers.schedules.CosineDecay(1e-3, epochs * steps_per_epoch)
        return keras.optimizers.Adam(schedule), "Adam 1e-3, cosine decay, batch 100"
    if name == "dropout-sgd":
        ramp = min(500, epochs / 2)
        return DropoutSGD(steps_per_epoch, ramp), (
            f"SGD (Hinton et al. 2012; MGL): learning rate 1 x (1 - momentum) x 0.998^epoch, "
            f"momentum 0.5 -> 0.99 over {ramp:g} epochs, batch 100")
    raise ValueError(f"Expected a fine-tuning optimizer in {FINE_TUNING_OPTIMIZERS}. Received: {name!r}")
