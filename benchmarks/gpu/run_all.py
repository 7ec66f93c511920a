"""One prepared run for a GPU host with JAX and PyTorch (no TensorFlow).

Runs each per-model script (keras-gen through `fit` on JAX vs a PyTorch loop
of the same network, both timed in the same process) and writes one JSON
naming the GPU:

    KERAS_BACKEND=jax python benchmarks/gpu/run_all.py [--quick] [--only NAME ...]

Scripts: rbm_jax_vs_torch.py (RBM CD-1 784x1024, batch 1024),
dcgan_jax_vs_torch.py (DCGAN 64x64x3 batch 128, fp32 and bf16),
vae_jax_vs_torch.py, cyclegan_jax_vs_torch.py (128 px), and
cyclegan_paper_scale.py (CycleGAN vs Pix2Pix label accuracy at the paper's
scale, trained for `--cyclegan-budget-minutes`). Each takes `--quick` and
`--out FILE`. `--quick` shrinks everything so the runner can be
checked on a CPU-only machine; its figures mean nothing for the targets.
Output: benchmarks/results/gpu.json (or gpu_quick.json).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

# The GPU host has no TensorFlow: Keras must not default to it here either.
os.environ.setdefault("KERAS_BACKEND", "jax")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # benchmarks/, for _common
import _common  # noqa: E402

ROOT = _common.ROOT
SCRIPTS = ["rbm_jax_vs_torch", "dcgan_jax_vs_torch", "vae_jax_vs_torch", "cyclegan_jax_vs_torch",
           "cyclegan_paper_scale"]
TARGETS = {
    "dcgan_jax_vs_torch": ("bf16 fit >= 0.95x raw jitted JAX loop and >= 2x eager PyTorch; "
                           "one-epoch fit(x) on NumPy >= 0.9x the device-fed rate"),
    "rbm_jax_vs_torch": "CD-1 fit >= 0.9x a raw jitted JAX loop and >= 2x hand-written PyTorch",
    "cyclegan_paper_scale": "CycleGAN / Pix2Pix photo->labels accuracy >= 0.68 at the paper's scale",
}


def versions():
    found = {"python": platform.python_version()}
    for name in ("keras", "jax", "jaxlib", "torch", "numpy"):
        try:
            found[name] = __import__(name).__version__
        except ImportError:
            found[name] = None
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per script")
    parser.add_argument("--cyclegan-budget-minutes", type=float, default=6.0,
                        help="wall-clock budget of cyclegan_paper_scale.py (it trains as many of "
                             "the paper's 200 epochs as fit)")
    parser.add_argument("--results", default=None,
                        help="JSON path (default benchmarks/results/gpu[_quick].json)")
    args = parser.parse_args()
    path = args.results or os.path.join(_common.RESULTS, "gpu_quick.json" if args.quick else "gpu.json")
    # Keep what PYTHONPATH already holds: on the GPU host, keras comes from carried wheels.
    env = dict(os.environ, KERAS_BACKEND="jax",
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    report = {"gpu": _common.gpu_name(), "host": platform.node(), "quick": args.quick,
              "note": ("quick run: checks that every script runs; its figures say nothing "
                       "about the targets") if args.quick else "figures timed in one run per script",
              "versions": versions(), "load_average": os.getloadavg(), "results": {}}
    for name in args.only or SCRIPTS:
        script = os.path.join(HERE, f"{name}.py")
        entry = {"target": TARGETS.get(name)}
        if not os.path.exists(script):
            entry["status"] = "script missing"
        else:
            with tempfile.TemporaryDirectory() as folder:
                out = os.path.join(folder, "out.json")
                command = [sys.executable, script, "--out", out] + (["--quick"] if args.quick else [])
                if name == "cyclegan_paper_scale":
                    command += ["--budget-minutes", str(args.cyclegan_budget_minutes)]
                start = time.perf_counter()
                try:
                    run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True,
                                         text=True, timeout=args.timeout)
                    entry["status"] = "ok" if run.returncode == 0 else f"failed ({run.returncode})"
                    if run.returncode:
                        entry["stderr_tail"] = run.stderr[-2000:]
                    if os.path.exists(out):
                        with open(out) as file:
                            entry["result"] = json.load(file)
                except subprocess.TimeoutExpired:
                    entry["status"] = f"timed out after {args.timeout} s"
                entry["seconds"] = round(time.perf_counter() - start, 1)
        report["results"][name] = entry
        print(name, entry["status"], entry["seconds"], "s", flush=True)
        # Written after every script: a run cut short still leaves what it measured.
        _common.write_json(path, report)
    print("wrote", path)


if __name__ == "__main__":
    main()
