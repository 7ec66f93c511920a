"""The README's first command on a fresh clone: virtualenv size and time, split.

Clones this repository's committed HEAD into a temporary folder and runs the
command between `<!-- ci:setup -->` and its fence (as CI does), one `&&` step
at a time, timing each: creating the venv and `pip install` (install), then
each `keras-gen` call (sample from a preset, train the RBM). The import cost
inside those calls is timed on its own afterwards (`import keras_gen` +
Keras + TensorFlow + one model family). Then `du` of `.venv`, and a check
that every library module imports without the optional extras.

pip may use its cache and this machine's local wheel mirror (the pip config's
find-links / extra index): TensorFlow's wheel is not downloaded here, so the
install time is unpacking and resolving, not network.

    python benchmarks/install_footprint.py           # writes results/install_footprint.json
    python benchmarks/install_footprint.py --quick   # parse and time the job in this venv only

Targets (issue 19): `.venv` <= 2.6 GB; the whole command <= 4 minutes.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import _common

SIZE_TARGET_GB = 2.6
TIME_TARGET_S = 240.0
# Every module of the library proper (not the Gradio demo, not the export
# converters' optional runtimes) must import with the first command's install.
IMPORT_CHECK = """
import importlib, pkgutil, keras_gen, keras
failed = {}
for info in pkgutil.walk_packages(keras_gen.__path__, "keras_gen."):
    if info.name.startswith("keras_gen.apps.") or info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except Exception as error:
        failed[info.name] = f"{type(error).__name__}: {error}"
print(repr(failed))
"""


def readme_command(root, marker="setup"):
    """The README's command after `<!-- ci:MARKER -->` (what CI runs)."""
    with open(os.path.join(root, "README.md")) as handle:
        text = handle.read()
    match = re.search(rf"<!-- ci:{marker} -->\s*```\w*\n(.*?)\n```", text, re.S)
    if not match:
        raise ValueError(f"Expected a <!-- ci:{marker} --> command in README.md. Received: none")
    return match.group(1).strip()


def _kind(step):
    if step.startswith(("python3 -m venv", ". ", "source ", "pip ")):
        return "install"
    return step.split()[1] if step.startswith("keras-gen") else "other"


def _run(command, cwd, env):
    started = time.perf_counter()
    completed = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{command!r} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return seconds, completed.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the job steps in this venv only (smoke run)")
    parser.add_argument("--keep", action="store_true", help="keep the clone (for more checks in its venv)")
    args = parser.parse_args()
    command = readme_command(_common.ROOT)
    steps = [step.strip() for step in command.split("&&")]
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    work = tempfile.mkdtemp(prefix="keras-gen-install-")
    clone = os.path.join(work, "keras-gen")
    result = {"command": command, "quick": args.quick, "pip_cache": "pip's cache and the machine's local "
              "wheel mirror allowed (as for a user re-installing); no wheel of TensorFlow downloaded"}
    try:
        subprocess.run(["git", "clone", "-q", _common.ROOT, clone], check=True)
        activate = ". .venv/bin/activate"
        timings = []
        if args.quick:  # the job steps only, with this interpreter's packages
            os.symlink(os.path.dirname(os.path.dirname(sys.executable)), os.path.join(clone, ".venv"))
            steps = [step for step in steps if _kind(step) != "install"]
        prefix = ""
        for step in steps:
            if step.startswith((". ", "source ")):
                prefix = f"{step} && "
                continue
            seconds, _ = _run(prefix + step, clone, env)
            timings.append({"step": step, "kind": _kind(step), "seconds": round(seconds, 1)})
            print(f"{seconds:7.1f} s  {step}", flush=True)
        total = sum(entry["seconds"] for entry in timings)
        import_seconds, _ = _run(f"{activate} && python -c 'import keras_gen, keras; import keras_gen.models.gan'",
                                 clone, env)
        result.update({
            "steps": timings,
            "install_seconds": round(sum(e["seconds"] for e in timings if e["kind"] == "install"), 1),
            "job_seconds": {e["kind"]: e["seconds"] for e in timings if e["kind"] != "install"},
            "import_seconds": round(import_seconds, 1),
            "import_note": "one `import keras_gen, keras` + a model family, timed alone; every keras-gen call "
                           "above pays it once",
            "total_seconds": round(total, 1),
            "time_target_seconds": TIME_TARGET_S,
            "time_passed": total <= TIME_TARGET_S,
        })
        name = "install_footprint_quick" if args.quick else "install_footprint"
        _common.write_result(name, result)  # the timings, kept should a later check fail
        if not args.quick:
            size = int(subprocess.run(["du", "-sb", os.path.join(clone, ".venv")], capture_output=True,
                                      text=True, check=True).stdout.split()[0])
            _, failures = _run(f"{activate} && python -c {shlex.quote(IMPORT_CHECK)}", clone, env)
            _, packages = _run(f"{activate} && pip list --format=freeze", clone, env)
            installed = {line.split("==")[0].lower() for line in packages.split()}
            result.update({
                "venv_bytes": size, "venv_gb": round(size / 1e9, 2), "size_target_gb": SIZE_TARGET_GB,
                "size_passed": size / 1e9 <= SIZE_TARGET_GB,
                "optional_packages_absent": sorted(
                    name for name in ("jax", "torch", "gradio", "onnx", "onnxruntime", "tf2onnx",
                                      "tensorflow-probability", "playwright", "pytest", "huggingface-hub")
                    if name not in installed),
                "library_modules_failing_to_import": eval(failures.strip()),  # the check prints a dict repr
            })
        for key in ("venv_gb", "total_seconds", "install_seconds", "job_seconds", "import_seconds"):
            if key in result:
                print(f"{key}: {result[key]}")
        print("library modules failing without extras:", result.get("library_modules_failing_to_import"))
        print(_common.write_result(name, result))
    finally:
        if args.keep:
            print(f"kept {clone}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
