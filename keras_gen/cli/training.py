"""What every `keras-gen train` does around a family's `fit`: the shared callbacks.

Every run records its training the same way: `history.csv` (every epoch,
every metric, train and validation), `curves.png` (redrawn each epoch) and,
when `tensorboard` is installed (or `--tensorboard` is given), TensorBoard
event files under `tensorboard/` with the family's pictures every
`--picture-every` epochs.
"""

import os

from keras_gen.cli import plots

__all__ = ["CURVES_FILE", "HISTORY_FILE", "TENSORBOARD_FOLDER", "training_callbacks",
           "use_tensorboard"]

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
