"""Long DBM fine-tunings side by side on one GPU host (JAX, no TensorFlow).

`benchmarks/dbm_mnist.py` fine-tunes its cached DBM at 4 to 5 s an epoch on
2 CPU cores, so the long dropout fine-tunings of the dropout papers (500 to
1000 epochs) take hours there. This runner starts one `dbm_mnist.py` process
per recipe, all reading one cached pretraining (and, where cached, the joint
training and its AIS bounds) from `--cache`, each writing its own JSON to
`--results`. Every `--poll` seconds it writes
`dbm_fine_tuning_gpu.json` with each recipe's status and its test error per
epoch so far (read from the Keras log), and at `--budget-seconds` it stops
what is still running: a run cut short keeps the curves it reached.

    KERAS_BACKEND=jax python benchmarks/gpu/dbm_fine_tuning.py --cache DIR \\
        --results DIR --recipes 120:1000 120:1000:0.1 120:500 500:500
    python benchmarks/gpu/dbm_fine_tuning.py --quick --results /tmp/out   # CPU smoke run

A recipe is `JOINT_EPOCHS:FINE_TUNE_EPOCHS[:INPUT_DROPOUT]` (hidden dropout
stays 0.5); a joint length not in the cache is trained first, by one recipe
only (two recipes sharing an uncached joint length would race on its file).
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # benchmarks/, for _common
import _common  # noqa: E402

VAL_ACCURACY = re.compile(r"val_accuracy: ([0-9.]+)")


def recipe_arguments(recipe):
    """dbm_mnist.py's arguments for `JOINT:FINE_TUNE[:INPUT_DROPOUT]`; ValueError naming the recipe otherwise."""
    parts = recipe.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        arguments = ["--joint-epochs", str(int(parts[0])), "--fine-tune-epochs", str(int(parts[1]))]
        return arguments + (["--input-dropout", str(float(parts[2]))] if len(parts) == 3 else [])
    except ValueError:
        raise ValueError(f"a recipe is JOINT:FINE_TUNE[:INPUT_DROPOUT]; got {recipe!r}") from None


def curve(log_path):
    """Test error after each epoch so far, from the Keras log's val_accuracy."""
    if not os.path.isfile(log_path):
        return []
    with open(log_path) as handle:
        return [round(1.0 - float(value), 4) for value in VAL_ACCURACY.findall(handle.read())]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", default=None, help="dbm_mnist.py's cache (default its own)")
    parser.add_argument("--results", required=True)
    parser.add_argument("--recipes", nargs="+", default=["120:1000", "120:1000:0.1", "120:500", "500:500"])
    parser.add_argument("--budget-seconds", type=float, default=480)
    parser.add_argument("--poll", type=float, default=20)
    args = parser.parse_args()
    for recipe in args.recipes:  # a bad recipe fails here, before any process starts
        try:
            recipe_arguments(recipe)
        except ValueError as error:
            parser.error(f"--recipes: {error}")
    os.makedirs(args.results, exist_ok=True)
    logs = os.path.join("/tmp", "dbm_fine_tuning_logs")
    os.makedirs(logs, exist_ok=True)
    # Several JAX processes share the GPU: none may take most of its memory up front.
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONUNBUFFERED="1", XLA_PYTHON_CLIENT_PREALLOCATE="false",
               PYTHONPATH=os.pathsep.join(filter(None, [_common.ROOT, os.environ.get("PYTHONPATH")])))
    script = os.path.join(os.path.dirname(HERE), "dbm_mnist.py")
    common = ["--results", args.results]
    common += ["--cache", args.cache] if args.cache else []
    common += ["--quick"] if args.quick else []
    started = time.perf_counter()
    runs = {}
    for recipe in args.recipes:
        log = os.path.join(logs, f"{recipe.replace(':', '_')}.log")
        with open(log, "w") as handle:
            process = subprocess.Popen([sys.executable, script, *common, *recipe_arguments(recipe)], env=env,
                                       cwd=_common.ROOT, stdout=handle, stderr=subprocess.STDOUT)
        runs[recipe] = {"process": process, "log": log}
    report = {"benchmark": "dbm_fine_tuning_gpu", "gpu": _common.gpu_name(), "settings": vars(args),
              "machine": _common.machine(), "recipes": {}}
    path = os.path.join(args.results, "dbm_fine_tuning_gpu.json")
    while True:
        elapsed = time.perf_counter() - started
        running = [run for run in runs.values() if run["process"].poll() is None]
        if running and elapsed > args.budget_seconds:
            for run in running:
                run["process"].kill()
                run["process"].wait()
                run["stopped_at_budget"] = True
            running = []
        for recipe, run in runs.items():
            code = run["process"].poll()
            status = ("stopped at the budget" if run.get("stopped_at_budget") else "running" if code is None
                      else "ok" if code == 0 else f"failed ({code})")
            errors = curve(run["log"])
            entry = {"arguments": recipe_arguments(recipe), "status": status, "epochs_done": len(errors),
                     "test_error_per_epoch": errors, "last_test_error": errors[-1] if errors else None}
            if code not in (None, 0) and not run.get("stopped_at_budget"):
                with open(run["log"]) as handle:
                    entry["log_tail"] = handle.read()[-3000:]
            report["recipes"][recipe] = entry
        report["seconds"] = round(elapsed, 1)
        _common.write_json(path, report)
        print(f"{elapsed:6.0f} s", {recipe: (entry["status"], entry["epochs_done"], entry["last_test_error"])
                                    for recipe, entry in report["recipes"].items()}, flush=True)
        if not running:
            break
        time.sleep(args.poll)
    print("wrote", path)


if __name__ == "__main__":
    main()
