"""DBM 784-500-1000 on MNIST: AIS lower bound after pretraining and after joint training, fine-tuned error.

Targets (issue 16), measured in this run:
- variational lower bound on the test log-likelihood, log Z by AIS (100
  runs, 20,000 temperatures, h1 summed out): >= -88 nats (Salakhutdinov &
  Hinton 2009: -84.62), and higher after joint training than after
  pretraining alone;
- fine-tuned test error <= 1.0 % (published 0.95 %).

Recipe (Salakhutdinov & Hinton 2009, their code): greedy pretraining of two
RBMs with the doubling trick (CD-1 for the bottom one, CD-3 for the top one,
visible biases at the data's log-odds, learning rate falling linearly);
joint training with a mean-field positive phase (10 updates from the
recognition pass), 100 persistent chains advanced 5 sweeps per update with
Rao-Blackwellised statistics, SGD with momentum 0.9, weight decay 2e-4 and a
learning rate falling linearly, evaluated at a moving average of the weights.
The DBM trains on MNIST binarized stochastically once (NumPy seed 0, as the
RBM and DBN benchmarks); the classifier, initialised from the DBM with
`q(h2 | x)` as a second input, is fine-tuned on the grey images. Each stage is
cached, so an interrupted run resumes; a fine-tuning recipe other than the
default (`--fine-tune-epochs`, `--dropout`, `--input-dropout`,
`--mean-field-dropout`, `--fine-tune-optimizer`, see `_fine_tuning.py`) has its
own cache and JSON name. `--labelled` joins 10 label units to the top layer, as
the paper's MNIST code does (and MGL's reproduction): the top pretraining
RBM models `[h1, label]`, joint training clamps the labels in the data term,
the bound is on `p(x)` with the labels summed out, and the classifier's
softmax layer starts from the label units' weights; the JSON adds the label
units' own test error (argmax of their mean-field) and the share of
`sample(label=k)` that the shipped MNIST classifier calls k.
`--sparsity-targets` (MGL's recipe) and `--centering` (Montavon & Müller
2012) change joint training only: they start from the shared pretrained
DBM and have their own cache and JSON names; every run records h1 and h2's
mean activity on the training data.

    python benchmarks/dbm_mnist.py           # full run
    python benchmarks/dbm_mnist.py --quick   # smoke run
"""

import argparse
import glob
import json
import os
import time

import _common

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks._boltzmann_mnist import CACHE  # noqa: E402
from benchmarks._boltzmann_mnist import binarized_mnist  # noqa: E402
from benchmarks._boltzmann_mnist import cache_folder  # noqa: E402
from benchmarks._boltzmann_mnist import classify  # noqa: E402
from benchmarks._boltzmann_mnist import load_cached  # noqa: E402
from benchmarks._boltzmann_mnist import save_model  # noqa: E402
from benchmarks._boltzmann_mnist import save_record  # noqa: E402
from benchmarks._boltzmann_mnist import write_json  # noqa: E402
from benchmarks._fine_tuning import FINE_TUNING_OPTIMIZERS  # noqa: E402
from benchmarks._fine_tuning import fine_tuning_optimizer  # noqa: E402
from keras_gen.data import DynamicBinarizationDataset  # noqa: E402
from keras_gen.models.dbm import DBM  # noqa: E402
from keras_gen.models.dbm.ais import ais_lower_bound  # noqa: E402
from keras_gen.models.rbm.generative_training import generative_optimizer  # noqa: E402
from keras_gen.utils import save_image_grid  # noqa: E402

PUBLISHED_BOUND, PUBLISHED_ERROR = -84.62, 0.0095
DEFAULT_JOINT_EPOCHS = 60
DEFAULT_FINE_TUNING = {"fine_tune_epochs": 50, "dropout": 0.5, "input_dropout": 0.2, "mean_field_dropout": None,
                       "fine_tune_optimizer": "adam"}


def joint_file(epochs, binarization="fixed", labelled=False, recipe=""):
    """Cache file of the DBM after `epochs` of joint training (each length, binarization, labelling and
    `recipe_suffix` its own)."""
    return (f"dbm_joint_{epochs}_epochs" + ("" if binarization == "fixed" else f"_{binarization}")
            + ("_labelled" if labelled else "") + recipe + ".keras")


def recipe_suffix(args):
    """The joint-training options beyond the defaults, e.g. '_sparse0.2_0.1' (the cost where it is not MGL's
    0.001), '_centering0.01'; '' for none."""
    suffix = "" if not args.sparsity_targets else "_sparse" + "_".join(
        f"{target:g}" for target in args.sparsity_targets) + (
        "" if args.sparsity_cost == 0.001 else f"_cost{args.sparsity_cost:g}")
    return suffix + ("" if args.centering is None else f"_centering{args.centering:g}")


def with_recipe(dbm, args):
    """The pretrained `dbm` (shared by every joint-training recipe) with the recipe's sparsity targets and
    centering (offsets, where centered, are added and start at the first batch)."""
    config = dbm.get_config() | {"sparsity_targets": args.sparsity_targets, "sparsity_cost": args.sparsity_cost,
                                 "centering": args.centering}
    recipe = DBM.from_config(config)
    recipe.build((None, dbm.data_units))
    kept = {variable.name: variable for variable in dbm.weights}
    for variable in recipe.weights:
        if variable.name in kept:
            variable.assign(kept[variable.name])
    return recipe


def fine_tuning_suffix(args):
    """'' for the default fine-tuning, else its settings: each recipe is its own cache and JSON."""
    changed = {key: getattr(args, key) for key, value in DEFAULT_FINE_TUNING.items() if getattr(args, key) != value}
    return "".join(f"_{value.replace('-', '_')}" if isinstance(value, str) else f"_{key}{value:g}"
                   for key, value in changed.items())


def grey_mnist(quick):
    x, y, x_test, y_test = _common.mnist()
    return (x[:6000], y[:6000], x_test[:1200], y_test[:1200]) if quick else (x, y, x_test, y_test)


def bound_file(model_path, args):
    return f"{model_path}.bound_{keras.backend.backend()}_{args.ais_runs}_runs_{args.ais_betas}_betas.json"


def forget_bounds(model_path):
    """Removes the bounds measured on an earlier model saved at `model_path`."""
    for path in glob.glob(glob.escape(model_path) + ".bound_*.json"):
        os.remove(path)


def bound(dbm, x, x_test, args, model_path):
    # AIS is seeded: one backend gives one figure per model and setting, so a
    # rerun on a cached model (another fine-tuning recipe) reads it back.
    path = bound_file(model_path, args)
    if os.path.isfile(path):
        with open(path) as handle:
            return json.load(handle) | {"read_from_cache": True}
    started = time.perf_counter()
    result = ais_lower_bound(dbm, x_test, data=x, num_runs=args.ais_runs, betas=args.ais_betas, seed=0)
    record = {"lower_bound": result["lower_bound"],
              "lower_bound_interval": [result["lower_bound_low"], result["lower_bound_high"]],
              "log_z": result["log_z"], "log_z_interval": [result["log_z_lower"], result["log_z_upper"]],
              "log_weights_std": result["log_weights_std"], "effective_sample_size": result["effective_sample_size"],
              "log_z_floor": result["log_z_floor"], "valid": result["valid"], "ais_side": result["side"],
              "log_z_by_side": result["log_z_by_side"], "seconds": time.perf_counter() - started}
    save_record(path[: -len(".json")], record)
    return record


def pretrained_file(args):
    return "dbm_pretrained" + ("_labelled" if args.labelled else "") + ".keras"


def pretrained(args, x, y, folder, options):
    path = os.path.join(folder, pretrained_file(args))
    dbm, record = load_cached(path)
    if dbm is None:
        dbm = DBM(args.hidden_units, mean_field_steps=args.mean_field_steps, gibbs_steps=args.gibbs_steps,
                  persistent_chains=100, seed=0, num_classes=10 if args.labelled else None)
        started = time.perf_counter()
        histories = dbm.pretrain(x, y, epochs=args.pretrain_epochs, batch_size=100,
                                 learning_rate=0.05, momentum=0.5, cd_steps=(1, 3), verbose=2, **options)
        record = {"seconds": time.perf_counter() - started, "epochs_per_rbm": args.pretrain_epochs,
                  "cd_steps": [1, 3], "learning_rate": "0.05 falling linearly to 2 %", "momentum": 0.5,
                  "reconstruction_error": [h.history["reconstruction_error"][-1] for h in histories]}
        save_model(dbm, path)
        forget_bounds(path)
        save_record(path, record)
    return dbm, record


def joint(args, dbm, x, y, folder, options):
    path = os.path.join(folder, args.joint_file)
    trained, record = load_cached(path)
    if trained is not None:
        return trained, record
    steps = args.joint_epochs * int(np.ceil(len(x) / 100))
    if args.sparsity_targets or args.centering is not None:
        dbm = with_recipe(dbm, args)
    dbm.compile(optimizer=generative_optimizer(args.learning_rate, steps, momentum=0.9,
                                               weight_average=args.weight_average,
                                               weight_decay=args.weight_decay), **options)
    if args.binarization == "dynamic":
        # A fresh Bernoulli draw of the grey images every epoch, as the paper's
        # code does (`data = data > rand(...)` at every batch).
        x = DynamicBinarizationDataset(grey_mnist(args.quick)[0], batch_size=100, seed=0)
    started = time.perf_counter()
    history = dbm.fit(x, y, batch_size=None if args.binarization == "dynamic" else 100,
                      epochs=args.joint_epochs, verbose=2)
    record = {"seconds": time.perf_counter() - started, "epochs": args.joint_epochs,
              "learning_rate": f"{args.learning_rate} falling linearly to 2 %", "momentum": 0.9,
              "weight_decay": args.weight_decay, "weight_average": args.weight_average,
              "binarization": args.binarization, "labelled": args.labelled, "gibbs_steps": dbm.gibbs_steps,
              "mean_field_steps": dbm.mean_field_steps, "persistent_chains": 100,
              "sparsity_targets": args.sparsity_targets, "sparsity_cost": args.sparsity_cost,
              "centering": args.centering,
              "reconstruction_error": history.history["reconstruction_error"]}
    save_model(dbm, path)
    forget_bounds(path)
    save_record(path, record)
    return dbm, record


def hidden_activity(dbm, x):
    """Mean mean-field activity of h1 and h2 on the training data (what sparsity targets; joint training without
    targets leaves h2 at about 1 %)."""
    return [float(np.mean(dbm.transform(x, layer=layer))) for layer in (1, 2)]


class Progress(keras.callbacks.Callback):
    """Writes the test error per epoch so far every `every` epochs: a run stopped early keeps its curve."""

    def __init__(self, write, every=10):
        super().__init__()
        self.write, self.every, self.errors = write, every, []

    def on_epoch_end(self, epoch, logs=None):
        self.errors.append(round(1.0 - float(logs["val_accuracy"]), 4))
        if len(self.errors) % self.every == 0:
            self.write({"epochs_done": len(self.errors), "test_error_per_epoch": self.errors})


def fine_tune(args, dbm, options, folder, progress):
    path = os.path.join(folder, args.joint_file.replace(".keras", f"_fine_tuning{args.fine_tuning_suffix}.json"))
    if os.path.isfile(path):  # this recipe's fine-tuning of this cached DBM, measured by an earlier run
        with open(path) as handle:
            return json.load(handle)
    x, y, x_test, y_test = grey_mnist(args.quick)
    classifier = dbm.to_classifier(10, dropout=args.dropout, input_dropout=args.input_dropout,
                                   mean_field_dropout=args.mean_field_dropout)
    optimizer, description = fine_tuning_optimizer(args.fine_tune_optimizer, args.fine_tune_epochs,
                                                   int(np.ceil(len(x) / 100)))
    classifier.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                       **options)
    train_inputs, test_inputs = dbm.classifier_inputs(x), dbm.classifier_inputs(x_test)
    started, curve = time.perf_counter(), Progress(progress)
    classifier.fit(train_inputs, y, batch_size=100, epochs=args.fine_tune_epochs, verbose=2,
                   validation_data=(test_inputs, y_test), callbacks=[curve])
    error = 1.0 - float(classifier.evaluate(test_inputs, y_test, verbose=0)[1])
    record = {"seconds": time.perf_counter() - started, "epochs": args.fine_tune_epochs,
            "optimizer": description, "dropout": args.dropout, "input_dropout": args.input_dropout,
            "mean_field_dropout": args.input_dropout if args.mean_field_dropout is None else args.mean_field_dropout,
            "data": "grey MNIST (the DBM's mean-field takes grey values)",
            "test_error": round(error, 4),
            "test_error_per_epoch": curve.errors,
            "target": "<= 0.010", "published": PUBLISHED_ERROR, "passed": error <= 0.010}
    save_record(path[: -len(".json")], record)
    return record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pretrain-epochs", type=int, default=30)
    parser.add_argument("--joint-epochs", type=int, default=DEFAULT_JOINT_EPOCHS)
    parser.add_argument("--learning-rate", type=float, default=0.002, help="joint training")
    parser.add_argument("--weight-decay", type=float, default=2e-4)
    parser.add_argument("--weight-average", type=float, default=0.999)
    parser.add_argument("--gibbs-steps", type=int, default=5)
    parser.add_argument("--mean-field-steps", type=int, default=10)
    parser.add_argument("--ais-runs", type=int, default=100)
    parser.add_argument("--ais-betas", type=int, default=20000)
    parser.add_argument("--fine-tune-epochs", type=int, default=50)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--input-dropout", type=float, default=0.2, help="on the pixels")
    parser.add_argument("--mean-field-dropout", type=float, default=None,
                        help="on the q(h2) input (default: --input-dropout; MGL: 0)")
    parser.add_argument("--fine-tune-optimizer", choices=FINE_TUNING_OPTIMIZERS, default="adam",
                        help="adam: Adam 1e-3 cosine; dropout-sgd: Hinton et al. 2012's schedule, as MGL")
    parser.add_argument("--binarization", choices=("fixed", "dynamic"), default="fixed",
                        help="joint training on the one fixed draw, or a fresh draw every epoch")
    parser.add_argument("--labelled", action="store_true",
                        help="10 label units joined to the top layer, trained with the DBM from pretraining on")
    parser.add_argument("--sparsity-targets", type=float, nargs=2, default=None, metavar=("H1", "H2"),
                        help="joint training pulls h1 and h2's mean activity toward these (MGL: 0.2 0.1)")
    parser.add_argument("--sparsity-cost", type=float, default=0.001)
    parser.add_argument("--centering", type=float, default=None, metavar="RATE",
                        help="center joint training's update on offsets sliding at RATE (Montavon & Mueller: 0.01)")
    parser.add_argument("--cache", default=CACHE)
    parser.add_argument("--results", default=_common.RESULTS, help="folder of the JSON and the samples picture")
    args = parser.parse_args(argv)
    if args.labelled and args.binarization == "dynamic":
        parser.error("--labelled trains on the fixed binarization (the dynamic one's dataset has no labels)")
    args.hidden_units = (500, 1000)
    args.fine_tuning_suffix = fine_tuning_suffix(args)  # before --quick shortens the fine-tuning
    model_name = "dbm_mnist" + ("_quick" if args.quick else "") + (
        "" if args.joint_epochs == DEFAULT_JOINT_EPOCHS else f"_joint{args.joint_epochs}") + (
        "" if args.binarization == "fixed" else f"_{args.binarization}") + ("_labelled" if args.labelled else "") + (
        recipe_suffix(args))
    name = model_name + args.fine_tuning_suffix
    # The cache is named after the length asked for: a quick run's one epoch keeps the default name.
    args.joint_file = joint_file(args.joint_epochs, args.binarization, args.labelled, recipe_suffix(args))
    if args.quick:
        args.hidden_units, args.pretrain_epochs, args.joint_epochs = (100, 200), 1, 1
        args.ais_betas, args.fine_tune_epochs = 500, 1
    started = time.perf_counter()
    keras.utils.set_random_seed(0)
    x, y, x_test, _ = binarized_mnist(6000 if args.quick else None)
    y = y if args.labelled else None  # the labels reach the DBM only with --labelled
    folder = cache_folder(args.cache, args.quick)
    # TensorFlow's graph mode beat its XLA on this CPU; JAX compiles with XLA.
    options = dict(steps_per_execution=100, jit_compile=keras.backend.backend() == "jax")
    result = {"benchmark": "dbm_mnist", "settings": vars(args), "machine": _common.machine(),
              "load_average_start": list(os.getloadavg())}

    dbm, record = pretrained(args, x, y, folder, options)
    result["pretraining"] = record | {"hidden_mean_activity": hidden_activity(dbm, x),
                                      "test_bound": bound(dbm, x, x_test, args,
                                                          os.path.join(folder, pretrained_file(args)))}
    print("pretraining", result["pretraining"], flush=True)
    # Each stage's figures are written as soon as they exist ("complete":
    # false until the end), so a run stopped later keeps them.
    write_json(name, result | {"complete": False}, args.results)
    dbm, record = joint(args, dbm, x, y, folder, options)
    result["joint_training"] = record | {"hidden_mean_activity": hidden_activity(dbm, x),
                                         "test_bound": bound(dbm, x, x_test, args,
                                                             os.path.join(folder, args.joint_file))}
    print("joint", result["joint_training"], flush=True)
    after, before = result["joint_training"]["test_bound"], result["pretraining"]["test_bound"]
    # A bound whose AIS log Z is below a known state's p* (`valid` false) is
    # no bound: nothing is passed or compared on it.
    both = before["valid"] and after["valid"]
    result["lower_bound"] = {
        "after_pretraining": before["lower_bound"], "after_joint_training": after["lower_bound"],
        "valid": {"after_pretraining": before["valid"], "after_joint_training": after["valid"]},
        "joint_training_gain": after["lower_bound"] - before["lower_bound"] if both else None,
        "joint_improves_on_pretraining": after["lower_bound"] > before["lower_bound"] if both else None,
        "target": ">= -88", "passed": after["valid"] and after["lower_bound"] >= -88.0, "published": PUBLISHED_BOUND,
        "ais": {"runs": args.ais_runs, "betas": args.ais_betas,
                "base_rate": "v at the training data's marginals, h1 and h2 at their mean-field activity on it",
                "sides": "chains over (v, h2) with h1 (and the labels) summed out, and over h1 (and the labels) "
                         "with v and h2 summed out; the larger log Z kept"}}
    if args.labelled:  # the DBM as a classifier by itself: argmax of the label units' mean-field q(l | x)
        grey_test, labels_test = grey_mnist(args.quick)[2:]
        inferred = keras.ops.convert_to_numpy(dbm.mean_field_with_labels(grey_test)[2]).argmax(axis=1)
        result["label_units_test_error"] = float(np.mean(inferred != labels_test))
        # Samples of a chosen class, 100 per class, judged by the shipped MNIST classifier.
        wanted = np.repeat(np.arange(10), 10 if args.quick else 100)
        drawn = dbm.sample(len(wanted), seed=1, gibbs_steps=1000, label=wanted)
        result["label_samples_classified_as_label"] = float(np.mean(classify(drawn) == wanted))
    write_json(name, result | {"complete": False}, args.results)
    save_image_grid(os.path.join(args.results, f"{model_name}_samples.png"),
                    dbm.sample(64, seed=0, gibbs_steps=1000), image_shape=(28, 28), columns=8, scale=2)
    if args.labelled:  # one row per class, the label units clamped
        save_image_grid(os.path.join(args.results, f"{model_name}_samples_by_label.png"),
                        dbm.sample(80, seed=0, gibbs_steps=1000, label=np.repeat(np.arange(10), 8)),
                        image_shape=(28, 28), columns=8, scale=2)
    result["fine_tuning"] = fine_tune(args, dbm, options, folder, lambda so_far: write_json(
        name, result | {"fine_tuning_so_far": so_far, "complete": False}, args.results))
    print("fine-tuning", result["fine_tuning"]["test_error"], flush=True)
    result["wall_seconds_this_run"] = time.perf_counter() - started
    result["training_seconds_total"] = (result["pretraining"]["seconds"] + result["joint_training"]["seconds"]
                                        + result["fine_tuning"]["seconds"])
    write_json(name, result | {"complete": True}, args.results)


if __name__ == "__main__":
    main()
