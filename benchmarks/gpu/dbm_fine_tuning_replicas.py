"""DBM fine-tuning recipes, several seeds each, trained side by side in one compiled loop (JAX).

`benchmarks/dbm_mnist.py` fine-tunes one classifier with `fit`: 600 small
steps an epoch, each dispatched from Python, so on a GPU an epoch takes about
0.7 s whatever the GPU, and the 1,000-epoch dropout fine-tunings of the papers
do not fit a short GPU lease. This script trains the same classifier
(`dbm.to_classifier`, the same optimizers from `benchmarks/_fine_tuning.py`,
batch 100, sparse cross-entropy on `[x, q(h2 | x)]`) with Keras' stateless
API: one epoch is one `lax.scan` over its batches, vmapped over `--seeds`
replicas that differ in their dropout masks and batch order, so a recipe's
seeds cost about one run. The test error of every replica is measured after
every epoch, and `dbm_fine_tuning_replicas.json` is rewritten every
`--write-every` epochs and at `--budget-seconds` (a cut recipe keeps its
curves). `--merge A.json B.json` joins the recipes of several such runs (one
lease may not hold them all) into `--results` and draws
`dbm_fine_tuning_replicas.png`: each recipe's test error per epoch, the mean
over its seeds and their range.

    KERAS_BACKEND=jax python benchmarks/gpu/dbm_fine_tuning_replicas.py --cache DIR --results DIR \\
        --recipes dbm_joint_120_epochs:dropout-sgd:0.2:0 dbm_joint_120_epochs:adam:0.1:0.1
    KERAS_BACKEND=jax python benchmarks/gpu/dbm_fine_tuning_replicas.py --quick --results /tmp/out  # CPU

A recipe is `MODEL:OPTIMIZER:INPUT_DROPOUT:MEAN_FIELD_DROPOUT`: MODEL names
`MODEL.keras` in the cache of `dbm_mnist.py` (`dbm_joint_120_epochs` is the
DBM after 120 joint epochs, `dbm_joint_120_epochs_labelled` the one with label
units); hidden dropout is 0.5 and the length `--epochs`.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # benchmarks/, for _common
import _common  # noqa: E402
import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks._boltzmann_mnist import load_cached  # noqa: E402
from benchmarks._fine_tuning import FINE_TUNING_OPTIMIZERS  # noqa: E402
from benchmarks._fine_tuning import fine_tuning_optimizer  # noqa: E402

BATCH = 100


def parse_recipe(recipe):
    """(model, optimizer, input dropout, mean-field dropout) of a recipe; ValueError naming it otherwise."""
    parts = recipe.split(":")
    try:
        model, optimizer, input_dropout, mean_field_dropout = parts
        if optimizer not in FINE_TUNING_OPTIMIZERS or not model:
            raise ValueError
        return model, optimizer, float(input_dropout), float(mean_field_dropout)
    except ValueError:
        raise ValueError(f"a recipe is MODEL:OPTIMIZER:INPUT_DROPOUT:MEAN_FIELD_DROPOUT with OPTIMIZER in "
                         f"{FINE_TUNING_OPTIMIZERS}; got {recipe!r}") from None


def stack(trees):
    return jax.tree.map(lambda *leaves: jax.numpy.stack(leaves), *trees)


def replicas(classifier, optimizer, seeds):
    """The classifier's and optimizer's state, one copy per seed, stacked on a leading axis."""
    optimizer.build(classifier.trainable_variables)
    trainable = [v.value for v in classifier.trainable_variables]
    optimizer_state = [v.value for v in optimizer.variables]
    states = []
    for seed in range(seeds):
        # Seed-generator states are [seed, counter]: a different seed per replica.
        non_trainable = [v.value.at[0].add(7919 * seed) if "seed_generator" in v.path else v.value
                         for v in classifier.non_trainable_variables]
        states.append((trainable, non_trainable, optimizer_state))
    return stack(states)


def compiled_functions(classifier, optimizer, count):
    """Jitted, vmapped `train_epoch(states, keys, train)` and `test_error(states, test)`.

    The data are arguments, not closed over: jit would embed captured arrays in the program.
    """
    steps = count // BATCH

    def loss(trainable, non_trainable, indices, train):
        visible, marginals, labels = train
        probabilities, non_trainable = classifier.stateless_call(
            trainable, non_trainable, [visible[indices], marginals[indices]], training=True)
        value = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels[indices], probabilities))
        return value, non_trainable

    def train_epoch(state, key, train):
        def step(state, indices):
            trainable, non_trainable, optimizer_state = state
            (value, non_trainable), gradients = jax.value_and_grad(loss, has_aux=True)(
                trainable, non_trainable, indices, train)
            trainable, optimizer_state = optimizer.stateless_apply(optimizer_state, gradients, trainable)
            return (trainable, non_trainable, optimizer_state), value

        order = jax.random.permutation(key, count)[: steps * BATCH].reshape(steps, BATCH)
        state, losses = jax.lax.scan(step, state, order)
        return state, keras.ops.mean(losses)

    def test_error(state, test):
        trainable, non_trainable, _ = state
        probabilities, _ = classifier.stateless_call(trainable, non_trainable, list(test[:2]), training=False)
        return keras.ops.mean(keras.ops.cast(keras.ops.argmax(probabilities, axis=1) != test[2], "float32"))

    return (jax.jit(jax.vmap(train_epoch, in_axes=(0, 0, None))),
            jax.jit(jax.vmap(test_error, in_axes=(0, None))))


def run_recipe(recipe, args, data, report, write, started):
    model_name, optimizer_name, input_dropout, mean_field_dropout = parse_recipe(recipe)
    dbm = load_cached(os.path.join(args.cache, f"{model_name}.keras"))[0]
    if dbm is None:
        raise SystemExit(f"--recipes {recipe}: no {model_name}.keras in {args.cache}")
    x, y, x_test, y_test = data
    to_device = jax.numpy.asarray
    train = (to_device(x), to_device(keras.ops.convert_to_numpy(dbm.transform(x))), to_device(y.astype("int32")))
    test = (to_device(x_test), to_device(keras.ops.convert_to_numpy(dbm.transform(x_test))),
            to_device(y_test.astype("int32")))
    classifier = dbm.to_classifier(10, dropout=0.5, input_dropout=input_dropout,
                                   mean_field_dropout=mean_field_dropout)
    optimizer, description = fine_tuning_optimizer(optimizer_name, args.epochs, len(y) // BATCH)
    state = replicas(classifier, optimizer, args.seeds)
    train_epoch, test_error = compiled_functions(classifier, optimizer, len(y))
    entry = report["recipes"][recipe] = {
        "model": f"{model_name}.keras", "optimizer": description, "dropout": 0.5,
        "input_dropout": input_dropout, "mean_field_dropout": mean_field_dropout, "epochs": args.epochs,
        "seeds": args.seeds, "status": "running", "test_error_per_epoch": [], "train_loss_per_epoch": []}
    key = jax.random.key(0)
    recipe_started = time.perf_counter()
    for epoch in range(args.epochs):
        key, *keys = jax.random.split(key, args.seeds + 1)
        state, losses = train_epoch(state, jax.numpy.stack(keys), train)
        errors = np.asarray(test_error(state, test))
        entry["test_error_per_epoch"].append([round(float(e), 4) for e in errors])
        entry["train_loss_per_epoch"].append([round(float(v), 5) for v in np.asarray(losses)])
        entry["seconds"] = round(time.perf_counter() - recipe_started, 1)
        out_of_time = time.perf_counter() - started > args.budget_seconds
        if (epoch + 1) % args.write_every == 0 or out_of_time or epoch + 1 == args.epochs:
            summarize(entry)
            write()
            print(f"{recipe} epoch {epoch + 1}: test error {errors.round(4).tolist()} "
                  f"({entry['seconds']:.0f} s)", flush=True)
        if out_of_time:
            entry["status"] = "stopped at the budget"
            return False
    entry["status"] = "ok"
    return True


def summarize(entry):
    """Each seed's final error and its mean over the last 50 epochs, and their means over the seeds."""
    curves = np.asarray(entry["test_error_per_epoch"])
    entry["epochs_done"] = len(curves)
    entry["final_test_error"] = curves[-1].round(4).tolist()
    entry["final_test_error_mean"] = round(float(curves[-1].mean()), 5)
    entry["final_test_error_std"] = round(float(curves[-1].std(ddof=1)), 5) if curves.shape[1] > 1 else None
    entry["last_50_epochs_mean"] = round(float(curves[-50:].mean()), 5)


def plot(report, path):
    """Test error per epoch of each recipe: the mean over its seeds, shaded from the best to the worst seed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5))
    for recipe, entry in report["recipes"].items():
        curves = 100 * np.asarray(entry["test_error_per_epoch"])
        epochs = np.arange(1, len(curves) + 1)
        line, = axes.plot(epochs, curves.mean(axis=1), lw=1,
                          label=f"{recipe} ({entry['seeds']} seeds): {100 * entry['final_test_error_mean']:.2f} %")
        axes.fill_between(epochs, curves.min(axis=1), curves.max(axis=1), color=line.get_color(), alpha=0.15)
    axes.axhline(1.0, color="black", ls="--", lw=1, label="target 1.0 %")
    axes.set(xlabel="fine-tuning epoch", ylabel="MNIST test error (%)", ylim=(0.8, 1.8),
             title="DBM 784-500-1000 fine-tuned with dropout, recipes side by side")
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def merge(paths, results):
    """One report and picture from several runs' JSON files (later runs win on a repeated recipe)."""
    import json

    report = {"benchmark": "dbm_fine_tuning_replicas", "runs": [], "recipes": {}}
    for path in paths:
        with open(path) as handle:
            run = json.load(handle)
        report["runs"].append({key: run.get(key) for key in ("gpu", "settings", "seconds", "machine")})
        report["recipes"].update(run["recipes"])
    os.makedirs(results, exist_ok=True)
    _common.write_json(os.path.join(results, "dbm_fine_tuning_replicas.json"), report)
    plot(report, os.path.join(results, "dbm_fine_tuning_replicas.png"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6,000 images, 3 epochs, 2 seeds")
    parser.add_argument("--cache", default=os.path.join("/tmp", "keras_gen_boltzmann_mnist"))
    parser.add_argument("--results", required=True)
    parser.add_argument("--recipes", nargs="+", default=["dbm_joint_120_epochs:dropout-sgd:0.2:0"])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--budget-seconds", type=float, default=480)
    parser.add_argument("--write-every", type=int, default=25)
    parser.add_argument("--merge", nargs="+", metavar="JSON", help="join these runs and draw them; no training")
    args = parser.parse_args()
    if args.merge:
        return merge(args.merge, args.results)
    for recipe in args.recipes:  # a bad recipe fails here, before any work
        try:
            parse_recipe(recipe)
        except ValueError as error:
            parser.error(f"--recipes: {error}")
    if args.epochs < 1 or args.seeds < 1:
        parser.error(f"--epochs and --seeds must be >= 1; got {args.epochs} and {args.seeds}")
    x, y, x_test, y_test = _common.mnist()
    if args.quick:
        x, y, x_test, y_test = x[:6000], y[:6000], x_test[:1000], y_test[:1000]
        args.epochs, args.seeds, args.write_every = 3, 2, 1
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, "dbm_fine_tuning_replicas" + ("_quick" if args.quick else "") + ".json")
    report = {"benchmark": "dbm_fine_tuning_replicas", "gpu": _common.gpu_name(), "settings": vars(args),
              "jax_devices": [str(device) for device in jax.devices()], "recipes": {}}
    started = time.perf_counter()

    def write():
        report["seconds"] = round(time.perf_counter() - started, 1)
        _common.write_json(path, report)

    for recipe in args.recipes:
        if not run_recipe(recipe, args, (x, y, x_test, y_test), report, write, started):
            break
    write()
    print("wrote", path)


if __name__ == "__main__":
    main()
