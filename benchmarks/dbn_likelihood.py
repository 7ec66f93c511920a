"""Generative DBNs on binarized MNIST: variational lower bounds on test log-likelihood.

Targets (issue 16), measured in this run:
- 784-500-2000 DBN: lower bound >= -90 nats (Salakhutdinov & Murray 2008:
  -86.22), AIS on the top RBM (100 runs, 14,500 temperatures) and the
  variational bound through the first layer;
- 784-500-500-2000 DBN: its bound reported. This DBN is Hinton, Osindero &
  Teh's (2006): its top RBM models the 500 units below it and 10 label units;
  its bound sums the label out, and `boltzmann_samples.py` draws from it
  with and without a chosen label.

Every layer is trained the way generative RBMs are: PCD (100 chains), data
log-odds visible biases, SGD whose learning rate falls linearly to 2 %, and
an exponential moving average of the weights (0.999) evaluated at the end.
The first layer is the 500-hidden RBM of `boltzmann_samples.py`, shared
through the cache; each trained model is saved there and reloaded by later
runs (its training time is kept in the JSON).

    python benchmarks/dbn_likelihood.py           # full run
    python benchmarks/dbn_likelihood.py --quick   # smoke run
"""

import argparse
import os
import time

import _common

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks._boltzmann_mnist import CACHE  # noqa: E402
from benchmarks._boltzmann_mnist import binarized_mnist  # noqa: E402
from benchmarks._boltzmann_mnist import cache_folder  # noqa: E402
from benchmarks._boltzmann_mnist import load_cached  # noqa: E402
from benchmarks._boltzmann_mnist import save_model  # noqa: E402
from benchmarks._boltzmann_mnist import save_record  # noqa: E402
from benchmarks._boltzmann_mnist import train_rbm  # noqa: E402
from benchmarks._boltzmann_mnist import write_json  # noqa: E402
from keras_gen.models import DBN  # noqa: E402
from keras_gen.models import RBM  # noqa: E402
from keras_gen.models.dbn.likelihood_bound import ais_lower_bound  # noqa: E402
from keras_gen.models.dbn.tied_start import UPPER_INITS  # noqa: E402
from keras_gen.models.rbm.ais import ais_log_likelihood  # noqa: E402
from keras_gen.models.rbm.generative_training import generative_optimizer  # noqa: E402


def first_layer(args, x, folder):
    """The 500-hidden RBM: the RBM of the samples benchmark and every DBN's first layer
    (or the trained RBM saved at `--first-layer`)."""
    if args.first_layer:
        import keras_gen.models

        rbm = keras_gen.models.load_model(args.first_layer)
        if rbm.hidden_units != args.sizes[0] or rbm.visible_units != x.shape[1]:
            raise SystemExit(f"--first-layer {args.first_layer}: expected a {x.shape[1]}-{args.sizes[0]} RBM, "
                             f"got {rbm.visible_units}-{rbm.hidden_units}")
        return rbm, {"seconds": None, "epochs": None, "path": args.first_layer}
    rbm = RBM(args.sizes[0], persistent=True, persistent_chains=100, seed=0, name="rbm_500")
    return train_rbm(rbm, x, os.path.join(folder, "rbm_500.keras"), epochs=args.rbm_epochs)


def train_layer(dbn, index, x, y, epochs, learning_rate=0.05):
    """Trains layer `index` of `dbn` with the generative recipe; returns seconds."""
    steps = epochs * int(np.ceil(len(x) / 100))
    dbn.compile(optimizer=generative_optimizer(learning_rate, steps, momentum=0.5, weight_average=0.999),
                steps_per_execution=100, jit_compile=keras.backend.backend() == "jax")
    started = time.perf_counter()
    dbn.fit(x, y, batch_size=100, epochs=epochs, verbose=2, layers=[index])
    return time.perf_counter() - started


DEFAULT_TOP_EPOCHS = 60


def epochs_tag(epochs):
    """File-name part for a non-default top-RBM training length: each length is its own
    cached model and result (the default keeps the first runs' names)."""
    return "" if epochs == DEFAULT_TOP_EPOCHS else f"_top{epochs}"


def init_tag(args):
    """File-name part for a tied top RBM (the default, random, keeps the first runs' names)."""
    return "" if args.upper_init == "random" else "_" + args.upper_init


def first_layer_tag(path):
    """Cache-name part for a given first layer: its file's size and modification time."""
    stat = os.stat(path)
    return f"{stat.st_size}_{int(stat.st_mtime)}"


def cached_dbn(path, build, train, epochs):
    dbn, record = load_cached(path)
    if dbn is None:
        dbn = build()
        record = {"seconds": train(dbn), "epochs": epochs}
        save_model(dbn, path)
        save_record(path, record)
    return dbn, record


def bound_of(dbn, record, x, x_test, args):
    """The DBN's variational lower bound on the test log-likelihood, with its top RBM's AIS."""
    started = time.perf_counter()
    bound = ais_lower_bound(dbn, x_test, data=x, num_samples=args.bound_samples, num_runs=args.ais_runs,
                            betas=args.ais_betas, seed=0)
    return {"layers": [784, *dbn.hidden_units], "train_seconds_upper_layers": record["seconds"],
            "upper_layer_epochs": record.get("epochs"), "lower_bound": bound["lower_bound"],
            "lower_bound_interval": [bound["lower_bound_low"], bound["lower_bound_high"]],
            "top_rbm_ais": {k: bound[k] for k in ("log_z", "log_z_lower", "log_z_upper",
                                                  "log_weights_std", "effective_sample_size",
                                                  "log_z_floor", "valid", "side", "log_z_by_side")},
            "bound_seconds": time.perf_counter() - started}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rbm-epochs", type=int, default=60)
    parser.add_argument("--middle-epochs", type=int, default=30, help="the 500-500 layer")
    parser.add_argument("--top-epochs", type=int, default=DEFAULT_TOP_EPOCHS, help="the 784-500-2000 DBN's top RBM")
    parser.add_argument("--labelled-top-epochs", type=int, default=DEFAULT_TOP_EPOCHS,
                        help="the 784-500-500-2000 DBN's labelled top RBM")
    parser.add_argument("--ais-runs", type=int, default=100)
    parser.add_argument("--ais-betas", type=int, default=14500)
    parser.add_argument("--bound-samples", type=int, default=10, help="up-passes per test image")
    parser.add_argument("--propagate", choices=("probabilities", "samples"), default="probabilities",
                        help="what the upper layers are trained on: the layer below's probabilities, "
                             "or binary samples of them (what the bound evaluates the top RBM on)")
    parser.add_argument("--upper-init", choices=UPPER_INITS, default="random",
                        help="how the 784-500-2000 DBN's top RBM starts: random, or the first RBM upside "
                             "down (Hinton et al. 2006), so that the DBN starts as that RBM; the "
                             "784-500-500-2000 DBN's middle layer is too narrow to tie and starts random")
    parser.add_argument("--first-layer", default=None,
                        help="a trained 784-500 RBM (.keras, e.g. the model.keras of the README's "
                             "`keras-gen train rbm` run) as the 784-500-2000 DBN's first layer; "
                             "the three-layer DBN is then skipped")
    parser.add_argument("--cache", default=CACHE)
    args = parser.parse_args(argv)
    args.sizes = (500, 500, 2000)
    # Names follow the lengths asked for: a quick run's shorter training keeps the default names.
    args.top_tag, args.labelled_top_tag = epochs_tag(args.top_epochs), epochs_tag(args.labelled_top_epochs)
    if args.quick:
        # The top is wide enough to start tied to the 784-pixel first layer.
        args.sizes, args.rbm_epochs, args.middle_epochs = (50, 50, 800), 2, 2
        args.top_epochs = args.labelled_top_epochs = 2
        args.ais_betas, args.bound_samples = 500, 2
    started = time.perf_counter()
    x, y, x_test, _ = binarized_mnist(6000 if args.quick else None)
    folder = cache_folder(args.cache, args.quick)
    name = "dbn_likelihood" + ("_quick" if args.quick else "") + (
        "" if args.propagate == "probabilities" else "_" + args.propagate) + args.top_tag + init_tag(
        args) + ("_first_layer" if args.first_layer else "")
    result = {"benchmark": "dbn_likelihood", "settings": vars(args), "machine": _common.machine(),
              "load_average_start": list(os.getloadavg()),
              "data": "MNIST binarized stochastically once (NumPy seed 0), 60,000 train / 10,000 test",
              "recipe": "each layer: PCD-1, 100 chains, SGD 0.05 falling linearly to 2 %, momentum 0.5, "
                        "weight EMA 0.999, batch 100, visible biases at the data's log-odds; upper layers "
                        f"trained on the {args.propagate} of the layer below"}
    rbm, record = first_layer(args, x, folder)
    result["rbm_500"] = {"train_seconds": record["seconds"], "epochs": record["epochs"], "path": record.get("path")}
    # The RBM the DBNs start from, scored first: a DBN's bound should beat it.
    ais = ais_log_likelihood(rbm, x_test, data=x, num_runs=args.ais_runs, betas=args.ais_betas, seed=0)
    result["rbm_500"].update({"test_log_likelihood": ais["log_likelihood"], "ais_side": ais["side"],
                              "log_z_by_side": ais["log_z_by_side"],
                              "interval": [ais["log_likelihood_lower"], ais["log_likelihood_upper"]]})
    print("rbm", result["rbm_500"], flush=True)
    suffix = "" if args.propagate == "probabilities" else "_" + args.propagate

    def options():
        return dict(persistent=True, persistent_chains=100, visible_bias_init="data", seed=0,
                    propagate=args.propagate)

    tied = init_tag(args) + ("_first_" + first_layer_tag(args.first_layer) if args.first_layer else "")
    two_layer, record = cached_dbn(
        os.path.join(folder, f"dbn_500_2000{suffix}{args.top_tag}{tied}.keras"),
        lambda: DBN([rbm, args.sizes[2]], name="dbn_500_2000", upper_init=args.upper_init, **options()),
        lambda dbn: train_layer(dbn, 1, x, None, args.top_epochs), epochs={"top": args.top_epochs})
    key = "dbn_784_500_2000"
    result[key] = bound_of(two_layer, record, x, x_test, args) | {
        "target": ">= -90", "published": -86.22}
    # An AIS log Z below a state's p* (`valid` false) makes the "bound" meaningless.
    result[key]["passed"] = result[key]["top_rbm_ais"]["valid"] and result[key]["lower_bound"] >= -90.0
    print(key, result[key], flush=True)
    # The two-layer figure is kept even if the three-layer stage is stopped.
    write_json(name, result | {"complete": False})
    if args.first_layer:
        result["wall_seconds_this_run"] = time.perf_counter() - started
        write_json(name, result | {"complete": True})
        return
    three_layer, record_3 = cached_dbn(
        os.path.join(folder, f"dbn_500_500_2000_labelled{suffix}{args.labelled_top_tag}.keras"),
        lambda: DBN([rbm, args.sizes[1], args.sizes[2]], num_classes=10, name="dbn_500_500_2000_labelled",
                    **options()),
        lambda dbn: (train_layer(dbn, 1, x, None, args.middle_epochs)
                     + train_layer(dbn, 2, x, y, args.labelled_top_epochs)),
        epochs={"middle": args.middle_epochs, "top": args.labelled_top_epochs})
    key = "dbn_784_500_500_2000"
    result[key] = bound_of(three_layer, record_3, x, x_test, args) | {
        "labelled_top": "500 + 10 label units <-> 2000; the bound sums the label out"}
    print(key, result[key], flush=True)
    result["wall_seconds_this_run"] = time.perf_counter() - started
    result["training_seconds_total"] = result["rbm_500"]["train_seconds"] + record["seconds"] + record_3["seconds"]
    write_json(name, result | {"complete": True})


if __name__ == "__main__":
    main()
