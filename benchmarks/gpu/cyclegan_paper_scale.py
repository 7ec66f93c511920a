"""CycleGAN vs Pix2Pix photo -> labels at the CycleGAN paper's scale, on a GPU (issue 22).

Target: CycleGAN's label accuracy / Pix2Pix's >= 0.68 (the paper's
Cityscapes FCN-score ratio), both trained the same way in the same run:
facades at 128 px, 64-filter networks (CycleGAN: ResNet generator with 6
residual blocks, the paper's 128 px setting; Pix2Pix: its U-Net), 70x70
PatchGAN discriminators for both, CycleGAN's least-squares GAN loss, cycle
weight lambda = 10, image pool of 50, no identity loss (as in the paper's
labels <-> photo runs), batch 1, Adam(2e-4, beta_1 0.5), 100 + 100 epochs
with CycleGAN's rate decaying linearly over the second half, bfloat16
compute (`mixed_bfloat16`), JAX. When `--budget-minutes` cannot hold 200
epochs, both models train as many as it does (timed after two trial
epochs; the decay then spans the second half of that count).

It runs `benchmarks/cyclegan_vs_pix2pix_labels.py` with those settings and
writes its JSON and picture (rows: photo | CycleGAN labels | Pix2Pix labels
| true labels) into `--results-dir` (default benchmarks/results), named
`cyclegan_vs_pix2pix_labels_paper_scale*`, with the GPU named in the JSON.

    KERAS_BACKEND=jax python benchmarks/gpu/cyclegan_paper_scale.py --budget-minutes 8
    KERAS_BACKEND=jax python benchmarks/gpu/cyclegan_paper_scale.py --quick   # CPU smoke run

`--quick` runs the script's own smoke settings (32 px, 8 filters, one epoch):
its figures say nothing about the target.
"""

import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # benchmarks/, for _common
import _common  # noqa: E402

ROOT = _common.ROOT
SCRIPT = os.path.join(ROOT, "benchmarks", "cyclegan_vs_pix2pix_labels.py")
NAME = "cyclegan_vs_pix2pix_labels"
PAPER = ["--size", "128", "--filters", "64", "--residual-blocks", "6", "--discriminator-layers", "3",
         "--batch-size", "1", "--identity-weight", "0", "--precision", "mixed_bfloat16",
         "--steps-per-execution", "200"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--budget-minutes", type=float, default=None,
                        help="wall-clock budget of the whole run (default: all --epochs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results-dir", default=_common.RESULTS)
    parser.add_argument("--out", default=None, help="also write the JSON here (run_all.py)")
    args = parser.parse_args()
    tag = "paper_scale" + (f"_seed{args.seed}" if args.seed else "")
    command = [sys.executable, SCRIPT, "--seed", str(args.seed), "--tag", tag,
               "--results-dir", args.results_dir]
    if args.quick:
        command += ["--quick", "--precision", "mixed_bfloat16", "--steps-per-execution", "4"]
    else:
        command += PAPER + ["--epochs", str(args.epochs)]
    if args.budget_minutes:
        command += ["--budget-minutes", str(args.budget_minutes)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    run = subprocess.run(command, env=env, cwd=ROOT)
    if run.returncode:
        raise SystemExit(run.returncode)
    suffix = ("_quick" if args.quick else "") + f"_{tag}"
    path = os.path.join(args.results_dir, f"{NAME}{suffix}.json")
    with open(path) as handle:
        report = json.load(handle)
    report["device"] = _common.gpu_name()
    report["paper_scale"] = not args.quick
    if args.quick:
        report["note"] = "quick smoke run: its figures say nothing about the target"
    _common.write_json(path, report)
    if args.out:
        _common.write_json(args.out, report)
    print(json.dumps({key: report[key] for key in ("ratio_cyclegan_over_pix2pix", "passed", "device")}))


if __name__ == "__main__":
    main()
