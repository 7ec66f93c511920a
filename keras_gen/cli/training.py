"""What every `keras-gen train` does around a family's `fit`: the shared callbacks."""

import os

__all__ = ["training_callbacks"]


def training_callbacks(args, run_dir, model):
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

    Args:
        args: the parsed `keras-gen train` arguments.
        run_dir: the (partial) run folder being written.
        model: the model about to be trained.

    Returns:
        A list of `keras.callbacks.Callback`.
    """
    from keras_gen.callbacks.backup_and_restore import BackupAndRestore
    from keras_gen.callbacks.divergence_guard import DivergenceGuard
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
    return callbacks + [guard]
