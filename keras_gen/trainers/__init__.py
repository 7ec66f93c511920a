"""Backend-specific training machinery: the only package that imports
tensorflow, jax or torch.

Model math lives in the models, written once with `keras.ops`. What differs
per backend — taking a gradient and applying it inside a step, compiling a
loop — is here, behind three small entry points:

- `minimize(loss_fn, variables, optimizer)`: one gradient step on a subset of
  variables, the hook every multi-optimizer model writes its step against.
- `AdversarialModel`: a `keras.Model` whose `train_step` runs
  `adversarial_step(data)` on each backend.
- `OptimizerGroup`: several named optimizers behind `model.optimizer`, so that
  Keras saves, restores and (on JAX) threads the state of all of them.
- `ReplicaSeedGenerator`, `scale_loss_for_replicas`, `check_batch_size`:
  per-replica noise and loss scaling under `tf.distribute` (see
  `keras_gen.distribute`).
- `set_device_feed(mode)` / `staged_fit_arguments`: every model's `fit` stages
  NumPy training arrays on the accelerator (`DeviceDataset`) where that pays.
- `MultiStepTrainer`: on JAX, `steps_per_execution=N` runs N steps in one
  compiled call (a `fori_loop` over a window of N batches).
- `compile_function(fn)`: compiles a pure function of tensors (XLA on
  TensorFlow and JAX) for long sampling loops such as AIS.
"""

from keras_gen.trainers.device_feed import get_device_feed
from keras_gen.trainers.device_feed import set_device_feed
from keras_gen.trainers.device_feed import staged_fit_arguments
from keras_gen.trainers.compile_function import compile_function
from keras_gen.trainers.minimize import minimize
from keras_gen.trainers.multi_step import MultiStepTrainer
from keras_gen.trainers.optimizer_group import OptimizerGroup
from keras_gen.trainers.replicas import ReplicaSeedGenerator
from keras_gen.trainers.replicas import check_batch_size
from keras_gen.trainers.replicas import distribution_replicas
from keras_gen.trainers.replicas import replica_id
from keras_gen.trainers.replicas import scale_loss_for_replicas


def __getattr__(name):
    # `AdversarialModel` subclasses `keras_gen.models.GenerativeModel`, which
    # itself takes `MultiStepTrainer` from this package: importing it on
    # first use keeps `import keras_gen.models.generative_model` free of a
    # cycle whichever of the two packages is imported first.
    if name == "AdversarialModel":
        from keras_gen.trainers.adversarial_model import AdversarialModel

        return AdversarialModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
