"""CycleGAN's learning-rate schedule: constant, then linear decay to zero."""

import keras

from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int

__all__ = ["LinearDecaySchedule"]


@keras.saving.register_keras_serializable(package="keras_gen")
class LinearDecaySchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Keeps the learning rate until `decay_start`, then decays it linearly to 0 at `total_steps`.

    The CycleGAN paper trains 100 epochs at 2e-4 and then 100 epochs with
    the rate falling linearly to zero: `decay_start = total_steps // 2`.

    Args:
        initial_learning_rate: the rate of the first half.
        total_steps: optimizer steps of the whole training.
        decay_start: step at which the decay begins; defaults to half way.

    Returns:
        A schedule: `schedule(step)` is the learning rate at `step`.

    Example:

    >>> schedule = LinearDecaySchedule(2e-4, total_steps=100)
    >>> [round(float(schedule(s)), 6) for s in (0, 50, 75, 100)]
    [0.0002, 0.0002, 0.0001, 0.0]

    Reference: Zhu et al., "Unpaired Image-to-Image Translation using
    Cycle-Consistent Adversarial Networks", ICCV 2017 (section 4, training
    details).
    """

    def __init__(self, initial_learning_rate, total_steps, decay_start=None):
        self.initial_learning_rate = check_non_negative("initial_learning_rate", initial_learning_rate)
        self.total_steps = check_positive_int("total_steps", total_steps)
        decay_start = self.total_steps // 2 if decay_start is None else decay_start
        self.decay_start = check_positive_int("decay_start", decay_start, minimum=0)
        if self.decay_start >= self.total_steps:
            raise ValueError(
                "Expected `decay_start` < `total_steps`. "
                f"Received: decay_start={decay_start}, total_steps={total_steps}"
            )

    def __call__(self, step):
        ops = keras.ops
        step = ops.cast(step, "float32")
        progress = (step - self.decay_start) / float(self.total_steps - self.decay_start)
        return self.initial_learning_rate * (1.0 - ops.clip(progress, 0.0, 1.0))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_start": self.decay_start,
        }
