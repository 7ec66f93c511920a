"""`keras-gen train dbm`, `sample` and `evaluate` (likelihood bound, fine-tuned error, k-means NMI,
retrieval mAP)."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import features
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import runs
from keras_gen.cli import training

SAMPLE_OPTIONS = options.defaults("sample", "dbm")
EVALUATE_OPTIONS = options.defaults("evaluate", "dbm")


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train dbm`."""
    parser.set_defaults(epochs=10, batch_size=100)
    parser.add_argument("--hidden-units", type=arguments.int_list, default=(256, 64),
                        help="sizes of h1,h2, e.g. 500,1000")
    parser.add_argument("--pretrain-epochs", type=arguments.positive_int, default=5,
                        help="epochs of each pretraining RBM (--epochs counts the joint "
                             "training that follows)")
    parser.add_argument("--pretrain-learning-rate", type=arguments.positive_float, default=0.05,
                        help="pretraining SGD learning rate (falling linearly, momentum 0.5)")
    parser.add_argument("--pretrain-cd-steps", type=arguments.int_list, default=(1, 3),
                        help="CD-k of the bottom and top pretraining RBMs, e.g. 1,3")
    parser.add_argument("--mean-field-steps", type=arguments.positive_int, default=10,
                        help="mean-field updates of the positive phase")
    parser.add_argument("--gibbs-steps", type=arguments.positive_int, default=5,
                        help="persistent-chain sweeps per update")
    parser.add_argument("--persistent-chains", type=arguments.positive_int, default=100,
                        help="number of persistent chains")
    parser.add_argument("--weight-decay", type=arguments.non_negative_float, default=2e-4,
                        help="joint training's weight decay of the kernels")
    parser.add_argument("--sparsity-targets", type=arguments.open_fraction_list, default=None,
                        help="mean activity of h1,h2 on the data that joint training pulls toward, e.g. 0.2,0.1 "
                             "(MGL's MNIST DBM)")
    parser.add_argument("--sparsity-cost", type=arguments.non_negative_float, default=0.001,
                        help="weight of that pull")
    parser.add_argument("--centering", type=arguments.positive_fraction, default=None,
                        help="center joint training's update on offsets that slide toward each layer's mean "
                             "at this rate, e.g. 0.01 (Montavon & Mueller 2012; keeps h2 in use)")
    parser.add_argument("--labelled", action="store_true",
                        help="label units (one per class of the data) joined to h2, trained with the DBM "
                             "(Salakhutdinov & Hinton 2009's MNIST model): sample by label, classifier starts "
                             "from them")
    parser.add_argument("--scale", default="unit", choices=("unit", "binary", "stochastic_binary"),
                        help="unit: grey values in [0, 1] as probabilities; binary data give a likelihood bound")
    training.add_generative_arguments(parser, learning_rate=0.002, momentum=0.9, weight_average=0.999,
                                      bias_init=False)
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="train on at most this many samples")
    features.add_fine_tuning_arguments(parser)


def train(args, run_dir):
    """Pretrains (doubling trick), trains the DBM jointly (`--epochs`), optionally fine-tunes."""
    from keras_gen.models.dbm import DBM

    hidden_units = tuple(args.hidden_units)
    if len(hidden_units) != 2:
        raise ValueError(f"Expected `--hidden-units` to be two sizes. Received: --hidden-units={args.hidden_units}")
    if len(args.pretrain_cd_steps) not in (1, 2):
        raise ValueError("Expected `--pretrain-cd-steps` to be one or two integers. "
                         f"Received: --pretrain-cd-steps={args.pretrain_cd_steps}")
    x, y, image_shape = runs.load_split(args.data, "train", scale=args.scale, limit=args.limit, seed=args.seed)
    x_test, y_test, _ = runs.load_split(args.data, "test", scale=args.scale, seed=args.seed)
    if args.labelled and y is None:
        raise ValueError(f"Expected labelled data for --labelled. Received: data={args.data!r} without labels")
    labels = y if args.labelled else None
    batch_size, epochs = args.batch_size or 100, args.epochs or 10
    model = DBM(hidden_units, mean_field_steps=args.mean_field_steps, gibbs_steps=args.gibbs_steps,
                persistent_chains=args.persistent_chains, seed=args.seed,
                num_classes=int(y.max()) + 1 if args.labelled else None,
                sparsity_targets=args.sparsity_targets, sparsity_cost=args.sparsity_cost,
                centering=args.centering)
    pictures = {"images": lambda _: features.draw(model, 64, features.PROGRESS_GIBBS_STEPS,
                                                  args.seed).reshape((64,) + tuple(image_shape)),
                "image_shape": image_shape}
    # Pretraining and joint training share the callbacks: one record of both.
    callbacks = training.training_callbacks(args, run_dir, model, pictures)
    cd_steps = args.pretrain_cd_steps if len(args.pretrain_cd_steps) == 2 else args.pretrain_cd_steps[0]
    pretraining = model.pretrain(x, labels, epochs=args.pretrain_epochs, batch_size=batch_size,
                                 learning_rate=args.pretrain_learning_rate, cd_steps=cd_steps,
                                 verbose=args.verbose, callbacks=callbacks)
    steps = epochs * int(np.ceil(len(x) / batch_size))
    model.compile(optimizer=training.generative_optimizer(args, steps, weight_decay=args.weight_decay))
    history = model.fit(x, labels, batch_size=batch_size, epochs=epochs, verbose=args.verbose, callbacks=callbacks)
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": image_shape, "scale": args.scale})
    _samples_png(model, os.path.join(run_dir, "samples.png"), image_shape, 64, args.seed)
    metrics = {f"pretrain_{i}_reconstruction_error": float(h.history["reconstruction_error"][-1])
               for i, h in enumerate(pretraining)}
    metrics.update({key: float(values[-1]) for key, values in history.history.items()})
    if args.fine_tune_epochs and y is not None:
        metrics.update(features.fine_tune(model, args, run_dir, x, y, x_test, y_test))
    return metrics


def _samples_png(model, path, image_shape, count, seed, gibbs_steps=1000, label=None, start="auto"):
    plots.save_grid(path, features.draw(model, count, gibbs_steps, seed, label, start), image_shape=image_shape)
    return path


def sample(args, run_dir, model):
    """Writes a grid of `--count` samples (`--options '{"gibbs_steps": 1000, "labels": 3, "start": "marginals"}'`;
    `labels` for a `--labelled` run: one class, or one per sample)."""
    options_ = arguments.check_options(args.options, SAMPLE_OPTIONS)
    path = runs.output_path(args, run_dir, f"samples-seed{args.seed}.png")
    _samples_png(model, path, runs.image_shape(run_dir), args.count or 64, args.seed, options_["gibbs_steps"],
                 options_["labels"], options_["start"])
    print(f"samples: {path}")
    return path


def evaluate(args, run_dir, model):
    """k-means NMI of q(h2) vs PCA, retrieval mAP of thresholded q(h2) vs sign-of-PCA, fine-tuned error,
    `--fid`, and on binary data the variational lower bound on test log-likelihood (`test_bound`, log Z
    by AIS with h1 summed out, with its spread; `--options` `ais`, `ais_runs`, `ais_betas`, `limit`)."""
    return features.evaluate_run(args, run_dir, model, EVALUATE_OPTIONS,
                                 lambda count, steps, seed: features.draw(model, count, steps, seed))
