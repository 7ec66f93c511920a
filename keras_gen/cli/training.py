"""What every `keras-gen train` does around a family's `fit`: the shared callbacks."""

__all__ = ["training_callbacks"]


def training_callbacks(args, run_dir, model):
    """Callbacks every family's `fit` gets, after its own ones.

    Args:
        args: the parsed `keras-gen train` arguments.
        run_dir: the (partial) run folder being written.
        model: the model about to be trained.

    Returns:
        A list of `keras.callbacks.Callback`.
    """
    from keras_gen.callbacks.divergence_guard import DivergenceGuard

    return [DivergenceGuard()]
