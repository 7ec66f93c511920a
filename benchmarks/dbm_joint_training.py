"""Where DBM joint training degrades: the AIS lower bound after each joint epoch.

One cached greedy pretraining (784-500-1000, doubling trick), then joint
training under named settings, with the test-set variational lower bound
(AIS log Z, 100 runs) measured after pretraining and after every epoch, and
the persistent chains' statistics beside it (mean visible activity of the
chains against the data's, the kernels' norms). Each setting appends its
curve to `benchmarks/results/dbm_joint_training.json`.

    python benchmarks/dbm_joint_training.py --setting committed   # SGD 0.005, momentum 0.9, 1 sweep
    python benchmarks/dbm_joint_training.py --setting paper       # Salakhutdinov & Hinton's recipe
    python benchmarks/dbm_joint_training.py --quick
"""

import argparse
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
from benchmarks._boltzmann_mnist import load_cached  # noqa: E402
from benchmarks._boltzmann_mnist import save_model  # noqa: E402
from benchmarks._boltzmann_mnist import save_record  # noqa: E402
from keras_gen.models.dbm import DBM  # noqa: E402
from keras_gen.models.dbm.ais import ais_lower_bound  # noqa: E402

SETTINGS = {
    # What benchmarks/dbm_mnist.py used before issue 16 (measured with that
    # code, commit 87cd2e8: chain statistics from states, not probabilities).
    "committed": dict(learning_rate=0.005, momentum=0.9, gibbs_steps=1, mean_field_steps=5, weight_decay=0.0,
                      decay=False),
    # Salakhutdinov & Hinton's code: 0.001, momentum 0.9, weight cost 2e-4,
    # 5 sweeps of 100 persistent chains, a learning rate that falls.
    "paper": dict(learning_rate=0.001, momentum=0.9, gibbs_steps=5, mean_field_steps=10, weight_decay=2e-4,
                  decay=True),
}


class Probe(keras.callbacks.Callback):
    """Measures the lower bound and the chains after each epoch."""

    def __init__(self, measure):
        super().__init__()
        self.measure = measure
        self.curve = []

    def on_epoch_end(self, epoch, logs=None):
        self.curve.append(self.measure(epoch + 1) | {"reconstruction_error": float(logs["reconstruction_error"])})
        print(self.curve[-1], flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--setting", choices=sorted(SETTINGS), default="committed")
    parser.add_argument("--pretrain-epochs", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--ais-betas", type=int, default=5000)
    parser.add_argument("--cache", default=CACHE)
    args = parser.parse_args(argv)
    hidden = (100, 200) if args.quick else (500, 1000)
    if args.quick:
        args.pretrain_epochs, args.epochs, args.ais_betas = 1, 1, 500
    x, _, x_test, _ = binarized_mnist(6000 if args.quick else None)
    folder = cache_folder(args.cache, args.quick)
    path = os.path.join(folder, f"dbm_study_pretrained_e{args.pretrain_epochs}.keras")
    dbm, record = load_cached(path)
    if dbm is None:
        dbm = DBM(hidden, persistent_chains=100, seed=0)
        started = time.perf_counter()
        dbm.pretrain(x, epochs=args.pretrain_epochs, batch_size=100, verbose=2, steps_per_execution=100,
                     jit_compile=False)
        record = {"seconds": time.perf_counter() - started, "epochs_per_rbm": args.pretrain_epochs,
                  "recipe": "CD-1, SGD 0.05, momentum 0.5 (DBM.pretrain defaults before issue 16)"}
        save_model(dbm, path)
        save_record(path, record)
    setting = SETTINGS[args.setting]
    dbm.mean_field_steps, dbm.gibbs_steps = setting["mean_field_steps"], setting["gibbs_steps"]

    def measure(epoch):
        started = time.perf_counter()
        bound = ais_lower_bound(dbm, x_test, data=x, num_runs=100, betas=args.ais_betas, seed=0)
        chains = keras.ops.convert_to_numpy(dbm.chains_visible)
        return {"epoch": epoch, "lower_bound": bound["lower_bound"], "log_z": bound["log_z"],
                "log_z_interval": [bound["log_z_lower"], bound["log_z_upper"]],
                "chain_mean_activity": float(chains.mean()), "data_mean_activity": float(x.mean()),
                "kernel_1_norm": float(np.linalg.norm(keras.ops.convert_to_numpy(dbm.kernel_1))),
                "kernel_2_norm": float(np.linalg.norm(keras.ops.convert_to_numpy(dbm.kernel_2))),
                "ais_seconds": time.perf_counter() - started}

    probe = Probe(measure)
    probe.curve.append(measure(0))
    print(probe.curve[-1], flush=True)
    steps = args.epochs * int(np.ceil(len(x) / 100))
    learning_rate = setting["learning_rate"]
    if setting["decay"]:
        learning_rate = keras.optimizers.schedules.PolynomialDecay(learning_rate, steps,
                                                                   end_learning_rate=learning_rate * 0.02)
    optimizer = keras.optimizers.SGD(learning_rate, momentum=setting["momentum"],
                                     weight_decay=setting["weight_decay"] or None)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    dbm.compile(optimizer=optimizer, steps_per_execution=100, jit_compile=False)
    started = time.perf_counter()
    dbm.fit(x, batch_size=100, epochs=args.epochs, verbose=2, callbacks=[probe])
    seconds = time.perf_counter() - started - sum(point["ais_seconds"] for point in probe.curve[1:])
    name = "dbm_joint_training" + ("_quick" if args.quick else "")
    path = os.path.join(_common.RESULTS, f"{name}.json")
    result = {}
    if os.path.isfile(path):
        with open(path) as handle:
            result = json.load(handle)
    result.update({"benchmark": "dbm_joint_training", "machine": _common.machine(), "hidden_units": list(hidden),
                   "pretraining": record, "ais": {"runs": 100, "betas": args.ais_betas, "base_rate": "train"}})
    result.setdefault("settings", {})[args.setting] = {
        "setting": setting, "epochs": args.epochs, "joint_seconds": seconds, "curve": probe.curve}
    _common.write_json(path, result)


if __name__ == "__main__":
    main()
