"""What every `keras-gen train` does around a family's `fit`: the shared callbacks.

Every run records its training the same way: `history.csv` (every epoch,
every metric, train and validation), `curves.png` (redrawn each epoch) and,
when `tensorboard` is installed (or `--tensorboard` is given), TensorBoard
event files under `tensorboard/` with the family's pictures every
`--picture-every` epochs. Also the generative-training options of the
Boltzmann family (RBM, DBN, DBM).
"""

import os

from keras_gen.cli import arguments
from keras_gen.cli import plots

__all__ = ["CURVES_FILE", "HISTORY_FILE", "TENSORBOARD_FOLDER", "add_generative_arguments",
           "generative_optimizer", "training_callbacks", "use_tensorboard"]

HISTORY_FILE = "history.csv"
CURVES_FILE = "curves.png"
TENSORBOARD_FOLDER = "tensorboard"


def use_tensorboard(args):
    """`--tensorboard` / `--no-tensorboard`, or on when `tensorboard` is importable."""
    from keras_gen.callbacks.tensorboard_logger import tensorboard_available

    wanted = getattr(args, "tensorboard", None)
    if wanted and not tensorboard_available():
        raise ValueError("Expected the `tensorboard` package for --tensorboard. Received: "
                         "--tensorboard without it installed (pip install tensorboard)")
    return tensorboard_available() if wanted is None else bool(wanted)


def training_callbacks(args, run_dir, model, pictures=None):
    """Callbacks every family's `fit` gets, after its own ones.

    - `BackupAndRestore` in `run_dir/backup` (`keras_gen.cli.runs.BACKUP_DIR`):
      the weights, every optimizer's state and the seeds at the end of each
      epoch, so that `train --resume` continues a killed run from its last
      finished epoch exactly as if it had not stopped. It restores on
      `fit`'s start (before the guard copies the starting state) and is
      deleted when training ends. Models trained layer by layer (a DBN's
      RBMs, each its own `fit`) have no single state to resume: none there.
    - `DivergenceGuard`: stops a diverging run and restores the last good
      weights and optimizer state; the guards are kept in
      `args.divergence_guards` so that `keras-gen train` can mark the run
      diverged and exit 1.
    - `HistoryCSV`, `TrainingCurves` (and `TensorBoardLogger`): the record.

    Pass the same list to every `fit` of a run (layer-by-layer pretraining,
    then joint training): the records go on from one stage to the next.

    Args:
        args: the parsed `keras-gen train` arguments.
        run_dir: the (partial) run folder being written.
        model: the model about to be trained.
        pictures: `None`, or the keyword arguments of `TensorBoardLogger`
            that draw the family's picture (`images`, `value_range`,
            `columns`, `image_tag`).

    Returns:
        A list of `keras.callbacks.Callback`.
    """
    from keras_gen.callbacks.backup_and_restore import BackupAndRestore
    from keras_gen.callbacks.divergence_guard import DivergenceGuard
    from keras_gen.callbacks.history_csv import HistoryCSV
    from keras_gen.callbacks.training_curves import TrainingCurves
    from keras_gen.cli.runs import BACKUP_DIR

    callbacks = []
    if not hasattr(model, "rbms"):
        if getattr(args, "resume", False) and not model.built:
            raise ValueError(f"Expected a model built before training to --resume it. "
                             f"Received: {type(model).__name__} (unbuilt)")
        if model.built:
            callbacks.append(BackupAndRestore(os.path.join(run_dir, BACKUP_DIR)))
    elif getattr(args, "resume", False):
        raise ValueError(f"Expected a model trained in one `fit` to --resume it. Received: "
                         f"--resume for {type(model).__name__}, trained layer by layer")
    guard = DivergenceGuard(verbose=0)  # `keras-gen train` says it in one line
    if not hasattr(args, "divergence_guards"):
        args.divergence_guards = []
    args.divergence_guards.append(guard)
    callbacks += [guard, HistoryCSV(os.path.join(run_dir, HISTORY_FILE)),
                  TrainingCurves(os.path.join(run_dir, CURVES_FILE))]
    if use_tensorboard(args):
        from keras_gen.callbacks.tensorboard_logger import TensorBoardLogger

        pictures = dict(pictures or {})
        shape = pictures.pop("image_shape", None)
        callbacks.append(TensorBoardLogger(os.path.join(run_dir, TENSORBOARD_FOLDER),
                                           every=getattr(args, "picture_every", 1),
                                           scale=plots.picture_scale(shape), **pictures))
    return callbacks


def add_generative_arguments(parser, learning_rate=0.05, momentum=0.5, weight_average=0.0, bias_init=True):
    """SGD options of generative Boltzmann training (RBM, DBN layers, DBM): the recipe that reaches
    -87.7 nats on MNIST with `--persistent --weight-average 0.999` (benchmarks/rbm_quality.py)."""
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=learning_rate,
                        help="initial SGD learning rate")
    parser.add_argument("--learning-rate-decay", choices=("linear", "none"), default="linear",
                        help="linear: fall to 2%% of it by the last step (PCD needs a falling rate)")
    parser.add_argument("--momentum", type=arguments.open_fraction, default=momentum, help="SGD momentum")
    parser.add_argument("--weight-average", type=arguments.open_fraction, default=weight_average,
                        help="keep an exponential moving average of the weights with this momentum "
                             "(e.g. 0.999) and end training on it: better log-likelihood for PCD")
    if bias_init:
        parser.add_argument("--visible-bias-init", choices=("data", "zeros"), default="data",
                            help="data: Bernoulli visible biases start at the data's log-odds (Hinton 2010)")


def generative_optimizer(args, steps, learning_rate=None, weight_decay=0.0):
    """The SGD of `add_generative_arguments` for a training of `steps` updates."""
    from keras_gen.models.rbm.generative_training import generative_optimizer as recipe

    final = 0.02 if args.learning_rate_decay == "linear" else 1.0
    return recipe(learning_rate or args.learning_rate, steps, momentum=args.momentum,
                  weight_average=args.weight_average, final_fraction=final, weight_decay=weight_decay)
