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
    from keras_gen.callbacks.divergence_guard import DivergenceGuard
    from keras_gen.callbacks.history_csv import HistoryCSV
    from keras_gen.callbacks.training_curves import TrainingCurves

    callbacks = [DivergenceGuard(), HistoryCSV(os.path.join(run_dir, HISTORY_FILE)),
                 TrainingCurves(os.path.join(run_dir, CURVES_FILE))]
    if use_tensorboard(args):
        from keras_gen.callbacks.tensorboard_logger import TensorBoardLogger

        pictures = dict(pictures or {})
        shape = pictures.pop("image_shape", None)
        callbacks.append(TensorBoardLogger(os.path.join(run_dir, TENSORBOARD_FOLDER),
                                           every=getattr(args, "picture_every", 1),
                                           scale=plots.picture_scale(shape), **pictures))
    return callbacks
