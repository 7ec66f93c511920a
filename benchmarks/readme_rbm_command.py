"""The README's RBM command, run as written: AIS test log-likelihood and its sample grid.

Target (issue 16): `keras-gen train rbm` on MNIST as the README writes it,
then `keras-gen evaluate`, reaches >= -88 nats by AIS (100 runs, 14,500
temperatures, with its spread), and its `samples.png` shows varied, clean
digits (copied to `benchmarks/results/readme_rbm_command_samples.png`). The
command runs this checkout's CLI (`python -m keras_gen`) in a subprocess.

    python benchmarks/readme_rbm_command.py           # full run (60 epochs)
    python benchmarks/readme_rbm_command.py --quick   # 1 epoch on 2,000 images, a short AIS
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks._common import RESULTS  # noqa: E402
from benchmarks._common import write_result  # noqa: E402

# The README's command (section "A tour", RBM); keep the two in step.
COMMAND = ("train rbm --data mnist --scale stochastic_binary --hidden-units 500 --epochs 60 "
           "--persistent --weight-average 0.999")
EVALUATE = '{"ais_runs": 100, "ais_betas": 14500}'


def keras_gen(arguments, log):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "keras_gen", *arguments], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        raise SystemExit(f"keras-gen {' '.join(arguments)} exited with {completed.returncode}")
    return time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "tensorflow"))
    args = parser.parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend
    command, evaluate = COMMAND.split(), EVALUATE
    if args.quick:
        command = command[: command.index("--epochs")] + ["--epochs", "1", "--limit", "2000", "--persistent",
                                                           "--weight-average", "0.999"]
        evaluate = '{"ais_runs": 10, "ais_betas": 500}'
    name = "readme_rbm_command" + ("_quick" if args.quick else "")
    folder = tempfile.mkdtemp(prefix="readme_rbm_")
    run = os.path.join(folder, "run")
    with open(os.path.join(folder, "log.txt"), "w") as log:
        train_seconds = keras_gen([*command, "--output", run, "--verbose", "2"], log)
        evaluate_seconds = keras_gen(["evaluate", run, "--options", evaluate], log)
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    shutil.copyfile(os.path.join(run, "samples.png"), os.path.join(RESULTS, f"{name}_samples.png"))
    value = metrics["test_ais_log_likelihood"]
    result = {
        "benchmark": "readme_rbm_command", "command": "keras-gen " + " ".join(command),
        "evaluate": f"keras-gen evaluate RUN --options '{evaluate}'", "backend": args.backend,
        "test_ais_log_likelihood": value,
        "spread": {"interval_3_standard_errors": [metrics["test_ais_log_likelihood_lower"],
                                                  metrics["test_ais_log_likelihood_upper"]],
                   "log_weights_std": metrics["test_ais_log_weights_std"],
                   "effective_sample_size": metrics["test_ais_effective_sample_size"],
                   "runs": metrics["test_ais_num_runs"], "betas": metrics["test_ais_num_betas"],
                   "log_z_by_side": metrics.get("test_ais_log_z_by_side"), "kept": metrics.get("test_ais_side")},
        "metrics": metrics, "train_seconds": train_seconds, "evaluate_seconds": evaluate_seconds,
        "target": ">= -88", "passed": value >= -88.0,
    }
    print(json.dumps({k: result[k] for k in ("test_ais_log_likelihood", "spread", "passed")}, indent=2))
    write_result(name, result)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
