"""How long `keras-gen --help`, `keras-gen train --help` and `keras-gen --version` take, and what they import.

Each command runs in a fresh interpreter (`python -m keras_gen ...`, what the
`keras-gen` console script runs), `--runs` times; the JSON records the median
and best wall time of each and the heavy modules found in `sys.modules`
afterwards. Anchor: `python -c pass` timed the same way, the interpreter's own
start-up.

    python benchmarks/cli_startup.py            # 5 runs each
    python benchmarks/cli_startup.py --quick    # 2 runs each
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import _common

TARGET_SECONDS = 1.5
HEAVY = ("keras", "tensorflow", "jax", "torch")
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "keras-gen --help": ["-m", "keras_gen", "--help"],
    "keras-gen --version": ["-m", "keras_gen", "--version"],
    "keras-gen train --help": ["-m", "keras_gen", "train", "--help"],
}
# Runs the CLI in-process after start-up to list what it imported.
PROBE = ("import sys; from keras_gen.cli.main import main; main({argv!r}); "
         "print([m for m in {heavy!r} if m in sys.modules])")


def wall_times(arguments, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *arguments], check=True, capture_output=True, cwd=_common.ROOT)
        times.append(time.perf_counter() - start)
    return times


def imported(argv):
    code = PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=_common.ROOT).stdout
    return json.loads(out.strip().splitlines()[-1].replace("'", '"'))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs of each command")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    results = {}
    for name, arguments in COMMANDS.items():
        times = wall_times(arguments, runs)
        row = {"median_s": round(statistics.median(times), 4), "best_s": round(min(times), 4),
               "runs": [round(t, 4) for t in times]}
        if arguments[0] == "-m":
            row["heavy_modules_imported"] = imported(arguments[2:])
        results[name] = row
    cli = [row for name, row in results.items() if name.startswith("keras-gen")]
    report = {
        "benchmark": "cli_startup",
        "commands": results,
        "target": f"median <= {TARGET_SECONDS} s and none of {list(HEAVY[1:])} imported",
        "passed": all(row["median_s"] <= TARGET_SECONDS and not row["heavy_modules_imported"]
                      for row in cli),
        "quick": args.quick,
    }
    _common.write_result("cli_startup_quick" if args.quick else "cli_startup", report)
    print(json.dumps({name: row["median_s"] for name, row in results.items()}, indent=1))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
