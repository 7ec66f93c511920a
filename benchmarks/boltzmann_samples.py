"""Sample quality of the Boltzmann family on MNIST: FID and mode coverage of 10,000 samples each.

Targets (issue 16), measured in this run with the shipped MNIST classifier
(`keras_gen.metrics.feature_extractor`):
- DBN 784-500-500-2000 (labelled top RBM, label left free) and DBM
  784-500-1000: FID against the MNIST test set <= 1.5x the 500-hidden RBM's;
- no class holds more than 20 % of 10,000 unconditional samples;
- `DBN.sample(count, label=k)`: >= 95 % of the samples classified as k.

The models are the ones trained by `dbn_likelihood.py` (the RBM, which is
also the DBNs' first layer, and the labelled DBN) and `dbm_mnist.py` (the DBM
after joint training), loaded from their cache; a missing one is trained by
running that benchmark first. Every sample is a chain of `--gibbs-steps`
sweeps (the DBN's in its top RBM), shown and scored as E[v | h] of the last
sweep. By default (`--start auto`) the chains continue the models' 100
persistent chains, which PCD and the DBM's joint training kept near each
model's distribution: sample i continues chain i % 100, and copies of one
chain part within a few thousand sweeps. `--start marginals` starts each
chain from a draw of the visible biases' marginals, as the first runs did;
1,000 sweeps from there leave the DBN's top RBM far from its distribution.
The FID of 10,000 training images against the test set is the floor. PNG
grids: 100 samples of each model (the first 100, one per persistent chain),
and for the labelled DBN one row per class.

    python benchmarks/boltzmann_samples.py           # full run
    python benchmarks/boltzmann_samples.py --quick   # smoke run
"""

import argparse
import os
import time

import _common

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

from benchmarks import dbm_mnist  # noqa: E402
from benchmarks import dbn_likelihood  # noqa: E402
from benchmarks._boltzmann_mnist import CACHE  # noqa: E402
from benchmarks._boltzmann_mnist import cache_folder  # noqa: E402
from benchmarks._boltzmann_mnist import classify  # noqa: E402
from benchmarks._boltzmann_mnist import load_cached  # noqa: E402
from benchmarks._boltzmann_mnist import score_samples  # noqa: E402
from benchmarks._boltzmann_mnist import write_json  # noqa: E402
from keras_gen.utils import atomic_path  # noqa: E402
from keras_gen.utils import save_image_grid  # noqa: E402

MODELS = {  # name: (cache file, benchmark that trains it)
    "rbm_500": ("rbm_500.keras", dbn_likelihood),
    "dbn_784_500_500_2000": ("dbn_500_500_2000_labelled{suffix}.keras", dbn_likelihood),
    "dbm_784_500_1000": (dbm_mnist.joint_file(dbm_mnist.DEFAULT_JOINT_EPOCHS), dbm_mnist),
}


def model_file(name, args):
    suffix = "" if args.dbn_propagate == "probabilities" else "_" + args.dbn_propagate
    return MODELS[name][0].format(suffix=suffix)


def cached_model(name, folder, args):
    benchmark = MODELS[name][1]
    path = os.path.join(folder, model_file(name, args))
    model, record = load_cached(path)
    if model is None:
        print(f"{path} is missing: running {benchmark.__name__} first", flush=True)
        options = ["--propagate", args.dbn_propagate] if benchmark is dbn_likelihood else []
        benchmark.main((["--quick"] if args.quick else []) + options)
        model, record = load_cached(path)
    return model


def drawn(folder, key, args, draw, what=""):
    """Samples of model `key` drawn by `draw()` (saved in the cache, named after the model's
    file and `what`; a rerun scores them again)."""
    which = os.path.splitext(model_file(key, args))[0] + what
    path = os.path.join(folder, f"samples_{which}_{args.count}_{args.gibbs_steps}_{args.start}.npz")
    if not os.path.isfile(path):
        begun = time.perf_counter()
        samples = draw()
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez_compressed(tmp, samples=samples.astype("float16"), seconds=time.perf_counter() - begun)
    with np.load(path) as stored:
        return stored["samples"].astype("float32"), float(stored["seconds"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--gibbs-steps", type=int, default=1000)
    parser.add_argument("--only", choices=sorted(MODELS), default=None,
                        help="draw (and cache) one model's samples, write no JSON")
    parser.add_argument("--dbn-propagate", choices=("probabilities", "samples"), default="samples",
                        help="the DBN of `dbn_likelihood.py --propagate ...` to draw from")
    parser.add_argument("--start", choices=("auto", "marginals"), default="auto",
                        help="where chains start: the models' persistent chains, or the visible marginals")
    parser.add_argument("--cache", default=CACHE)
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.gibbs_steps = 500, 50
    started = time.perf_counter()
    name = "boltzmann_samples" + ("_quick" if args.quick else "") + ("" if args.start == "auto" else "_" + args.start)
    folder = cache_folder(args.cache, args.quick)
    x_train, _, x_test, _ = _common.mnist()
    x_train = x_train[:10000]
    from keras_gen.metrics.feature_extractor import extract_features

    test_features = extract_features("mnist", x_test)
    floor = score_samples(x_train, x_test, test_features)
    result = {"benchmark": "boltzmann_samples", "settings": vars(args), "machine": _common.machine(),
              "load_average_start": list(os.getloadavg()),
              "reference": "MNIST test set, 10,000 grey images; features of the shipped MNIST classifier",
              "floor_train_images": floor | {"what": "10,000 MNIST training images, not samples"}}
    if args.only:
        model = cached_model(args.only, folder, args)
        drawn(folder, args.only, args, lambda: model.sample(args.count, seed=0, gibbs_steps=args.gibbs_steps,
                                                               start=args.start))
        return
    models = {key: cached_model(key, folder, args) for key in MODELS}
    grids = {}
    for key, model in models.items():
        samples, seconds = drawn(folder, key, args,
                                 lambda model=model: model.sample(args.count, seed=0, gibbs_steps=args.gibbs_steps,
                                                                 start=args.start))
        result[key] = score_samples(samples, x_test, test_features) | {"sampling_seconds": seconds}
        grids[key] = samples[:100]
        print(key, result[key], flush=True)
    dbn = models["dbn_784_500_500_2000"]
    per_class = args.count // 10
    labels = np.repeat(np.arange(10), per_class)
    conditional, seconds = drawn(folder, "dbn_784_500_500_2000", args, lambda: dbn.sample(
        len(labels), seed=1, gibbs_steps=args.gibbs_steps, label=labels, start=args.start), what="_by_label")
    predicted = classify(conditional)
    accuracy = [float(np.mean(predicted[labels == k] == k)) for k in range(10)]
    result["dbn_784_500_500_2000_labelled"] = {
        "samples_per_class": per_class, "classified_as_label": float(np.mean(predicted == labels)),
        "per_class": [round(a, 4) for a in accuracy], "target": ">= 0.95",
        "passed": float(np.mean(predicted == labels)) >= 0.95, "sampling_seconds": seconds}
    print("labelled", result["dbn_784_500_500_2000_labelled"], flush=True)
    rbm_fid = result["rbm_500"]["fid"]
    for key in ("dbn_784_500_500_2000", "dbm_784_500_1000"):
        result[key]["fid_ratio_to_rbm"] = result[key]["fid"] / rbm_fid
        result[key]["targets"] = {"fid_ratio_to_rbm": "<= 1.5", "largest_class_share": "<= 0.20"}
        result[key]["passed"] = result[key]["fid_ratio_to_rbm"] <= 1.5 and result[key]["largest_class_share"] <= 0.20
    for key, samples in grids.items():
        save_image_grid(os.path.join(_common.RESULTS, f"{name}_{key}.png"), samples, image_shape=(28, 28), columns=10,
                        scale=2)
    rows = conditional.reshape(10, per_class, 784)[:, :10].reshape(100, 784)
    save_image_grid(os.path.join(_common.RESULTS, f"{name}_dbn_784_500_500_2000_by_label.png"), rows,
                    image_shape=(28, 28), columns=10, scale=2)
    result["wall_seconds"] = time.perf_counter() - started
    write_json(name, result)


if __name__ == "__main__":
    main()
