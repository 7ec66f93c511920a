"""What every `keras-gen train` does around a family's `fit`: the shared callbacks,
and the generative-training options of the Boltzmann family (RBM, DBN, DBM)."""

from keras_gen.cli import arguments

__all__ = ["training_callbacks", "add_generative_arguments", "generative_optimizer"]


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
