"""`keras-gen train dbm`, `sample` and `evaluate` (fine-tuned error, k-means NMI, retrieval mAP)."""

import os

from keras_gen.cli import parse_options
from keras_gen.models.autoencoders.commands import load_split
from keras_gen.models.autoencoders.commands import read_data_info
from keras_gen.models.autoencoders.commands import save_model
from keras_gen.models.autoencoders.commands import write_data_info
from keras_gen.models.dbn.commands import _ints
from keras_gen.models.dbn.commands import add_fine_tuning_arguments
from keras_gen.models.dbn.commands import evaluate_run
from keras_gen.models.dbn.commands import fine_tune


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train dbm`."""
    parser.add_argument("--hidden-units", type=_ints, default=(256, 64), help="sizes of h1,h2, e.g. 500,1000")
    parser.add_argument("--pretrain-epochs", type=int, default=5, help="epochs of each pretraining RBM")
    parser.add_argument("--mean-field-steps", type=int, default=10)
    parser.add_argument("--gibbs-steps", type=int, default=1, help="persistent-chain sweeps per update")
    parser.add_argument("--persistent-chains", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=0.01, help="joint training (SGD, momentum 0.9)")
    parser.add_argument("--limit", type=int, default=None, help="train on at most this many samples")
    add_fine_tuning_arguments(parser)


def train(args, run_dir):
    """Pretrains (doubling trick), trains the DBM jointly (`--epochs`), optionally fine-tunes."""
    import keras

    from keras_gen.models.dbm import DBM

    hidden_units = tuple(args.hidden_units)
    if len(hidden_units) != 2:
        raise ValueError(f"Expected `--hidden-units` to be two sizes. Received: --hidden-units={args.hidden_units}")
    x, y, image_shape = load_split(args.data, "train", "dense", args.limit, args.seed)
    x_test, y_test, _ = load_split(args.data, "test", "dense")
    batch_size = args.batch_size or 100
    model = DBM(hidden_units, mean_field_steps=args.mean_field_steps, gibbs_steps=args.gibbs_steps,
                persistent_chains=args.persistent_chains, seed=args.seed)
    pretraining = model.pretrain(x, epochs=args.pretrain_epochs, batch_size=batch_size, verbose=args.verbose)
    model.compile(optimizer=keras.optimizers.SGD(args.learning_rate, momentum=0.9))
    history = model.fit(x, batch_size=batch_size, epochs=args.epochs or 10, verbose=args.verbose)
    save_model(model, run_dir)
    write_data_info(run_dir, image_shape)
    _samples_png(model, os.path.join(run_dir, "samples.png"), image_shape, 64, args.seed)
    metrics = {f"pretrain_{i}_reconstruction_error": float(h.history["reconstruction_error"][-1])
               for i, h in enumerate(pretraining)}
    metrics.update({key: float(values[-1]) for key, values in history.history.items()})
    if args.fine_tune_epochs and y is not None:
        metrics.update(fine_tune(model, args, run_dir, x, y, x_test, y_test))
    return metrics


def _samples_png(model, path, image_shape, count, seed, gibbs_steps=1000):
    from keras_gen.utils import save_image_grid

    save_image_grid(path, model.sample(count, gibbs_steps=gibbs_steps, seed=seed), image_shape=image_shape,
                    value_range=(0.0, 1.0), scale=2)
    return path


def sample(args, run_dir, model):
    """Writes a grid of `--count` samples (`--options '{"gibbs_steps": 1000}'`)."""
    path = args.output or os.path.join(run_dir, "samples.png")
    _samples_png(model, path, read_data_info(run_dir), args.count, args.seed,
                 int(parse_options(args).get("gibbs_steps", 1000)))
    print(f"samples: {path}")
    return path


def evaluate(args, run_dir, model):
    """k-means NMI of q(h2) vs PCA, retrieval mAP of thresholded q(h2) vs sign-of-PCA, fine-tuned error."""
    return evaluate_run(args, run_dir, model)
