"""`keras-gen train dbn`, `sample` and `evaluate` (likelihood bound, fine-tuned error, k-means NMI,
retrieval mAP)."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import features
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import runs
from keras_gen.cli import training

SAMPLE_OPTIONS = options.defaults("sample", "dbn")
EVALUATE_OPTIONS = options.defaults("evaluate", "dbn")


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train dbn`."""
    parser.set_defaults(epochs=10, batch_size=100)
    parser.add_argument("--hidden-units", type=arguments.int_list, default=(256, 64),
                        help="hidden sizes bottom to top, e.g. 500,500,2000 (the top size is the code length)")
    parser.add_argument("--visible-type", choices=("bernoulli", "gaussian"), default="bernoulli",
                        help="gaussian standardizes the data with the training set's statistics")
    parser.add_argument("--cd-steps", type=arguments.positive_int, default=1,
                        help="Gibbs sweeps k of each layer's CD-k")
    parser.add_argument("--persistent", action="store_true", help="train each layer with PCD")
    parser.add_argument("--persistent-chains", type=arguments.positive_int, default=100,
                        help="persistent chains of each layer (with --persistent)")
    parser.add_argument("--labelled", action="store_true",
                        help="the top RBM also models one-hot labels (Hinton et al. 2006): sample by label")
    parser.add_argument("--scale", default="unit", choices=("unit", "binary", "stochastic_binary"),
                        help="unit: grey values in [0, 1] as probabilities; binary data give a likelihood bound")
    parser.add_argument("--propagate", choices=("probabilities", "samples"), default="probabilities",
                        help="what a trained layer passes up to the next one")
    parser.add_argument("--upper-init", choices=("random", "tied"), default="random",
                        help="tied: each upper layer starts as the layer below upside down, so the DBN "
                             "starts as that RBM (needs as many hidden units as the layer below has inputs)")
    training.add_generative_arguments(parser)
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="train on at most this many samples")
    features.add_fine_tuning_arguments(parser)


def train(args, run_dir):
    """Pretrains a DBN greedily on `args.data`; optional fine-tuning; saves pictures and metrics."""
    from keras_gen.models.dbn import DBN

    x, y, image_shape = runs.load_split(args.data, "train", scale=args.scale, limit=args.limit, seed=args.seed)
    x_test, y_test, _ = runs.load_split(args.data, "test", scale=args.scale, seed=args.seed)
    if args.visible_type == "gaussian":
        x = features.standardize(run_dir, x, fit=True)
        x_test = features.standardize(run_dir, x_test)
    if args.labelled and y is None:
        raise ValueError(f"Expected labelled data for --labelled. Received: data={args.data!r} without labels")
    model = DBN(list(args.hidden_units), visible_type=args.visible_type, cd_steps=args.cd_steps,
                persistent=args.persistent, persistent_chains=args.persistent_chains,
                visible_bias_init=args.visible_bias_init,
                num_classes=int(y.max()) + 1 if args.labelled else None, propagate=args.propagate,
                upper_init=args.upper_init, seed=args.seed)
    batch_size, epochs = args.batch_size or 100, args.epochs or 10
    learning_rate = args.learning_rate if args.visible_type == "bernoulli" else args.learning_rate / 10
    # Each layer gets a fresh copy of this optimizer: the schedule spans one layer's training.
    steps = epochs * int(np.ceil(len(x) / batch_size))
    model.compile(optimizer=training.generative_optimizer(args, steps, learning_rate=learning_rate))
    # Layer by layer: the same callbacks follow every layer's fit, one record.
    pictures = {"images": lambda _: _pixels(model, run_dir, 64, features.PROGRESS_GIBBS_STEPS,
                                            args.seed, image_shape), "image_shape": image_shape}
    history = model.fit(x, y if args.labelled else None, batch_size=batch_size, epochs=epochs,
                        verbose=args.verbose,
                        callbacks=training.training_callbacks(args, run_dir, model, pictures))
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": image_shape, "scale": args.scale})
    _samples_png(model, os.path.join(run_dir, "samples.png"), image_shape, 64, seed=args.seed)
    metrics = {key: float(values[-1]) for key, values in history.history.items()}
    if args.fine_tune_epochs and y is not None:
        metrics.update(features.fine_tune(model, args, run_dir, x, y, x_test, y_test))
    return metrics


def _pixels(model, run_dir, count, gibbs_steps, seed, image_shape):
    images = features.unstandardize(run_dir, features.draw(model, count, gibbs_steps, seed))
    return images.reshape((count,) + tuple(image_shape))


def _samples_png(model, path, image_shape, count, seed, gibbs_steps=1000, label=None, start="auto"):
    images = features.draw(model, count, gibbs_steps, seed, label, start)
    value_range = (float(images.min()), float(images.max())) if model.visible_type == "gaussian" else (0.0, 1.0)
    plots.save_grid(path, images, image_shape=image_shape, value_range=value_range)
    return path


def sample(args, run_dir, model):
    """Writes a grid of `--count` samples (`--options '{"gibbs_steps": 1000, "labels": 3, "start": "auto"}'`;
    `labels` for a `--labelled` run: one class, or one per sample)."""
    options_ = arguments.check_options(args.options, SAMPLE_OPTIONS)
    path = runs.output_path(args, run_dir, f"samples-seed{args.seed}.png")
    _samples_png(model, path, runs.image_shape(run_dir), args.count or 64, args.seed, options_["gibbs_steps"],
                 options_["labels"], options_["start"])
    print(f"samples: {path}")
    return path


def evaluate(args, run_dir, model):
    """k-means NMI of the top features vs PCA, retrieval mAP of the binary codes vs
    sign-of-PCA (database = train, queries = test), fine-tuned test error, `--fid`, and on
    binary data the variational lower bound on test log-likelihood (`test_bound`,
    top RBM's log Z by AIS, with its spread; `--options` `ais`, `ais_runs`,
    `ais_betas`, `bound_samples`, `limit`)."""
    return features.evaluate_run(args, run_dir, model, EVALUATE_OPTIONS,
                                 lambda count, steps, seed: features.draw(model, count, steps, seed))
