"""Trains, measures and packs the pretrained presets shipped in `keras_gen/presets/`.

Each preset is an ordinary `keras-gen train` run (the command is on its card),
measured with the same code the slow test re-runs (`keras_gen.presets.quality`),
then packed: weights stored as float16 where that leaves the card's figure
unchanged, the optimizer dropped, the demo's ONNX artifacts exported, and a
card (`preset.json` + `README.md`) with the files' SHA-256 written last.

    python tools/train_presets.py                      # all stages, every preset
    python tools/train_presets.py --only dcgan_mnist --stage train
    python tools/train_presets.py --stage pack         # re-pack from trained runs

Stages: `train` (skipped for a run that already exists), `measure`, `pack`.
Training runs on 2 shared CPU cores: run it under `nice -n 10`. The figures
of every stage go to `benchmarks/results/presets.json`.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# name -> (title, `keras-gen train` arguments). `$KERAS_GEN_DATA` is expanded
# when the command runs and kept as written on the card.
RECIPES = {
    "rbm_mnist": ("RBM, 500 hidden units (MNIST)",
                  "rbm --data mnist --hidden-units 500 --persistent --learning-rate 0.05 --momentum 0.5 "
                  "--weight-average 0.999 --scale stochastic_binary --batch-size 100 --epochs 20"),
    "dbn_mnist": ("DBN 784-500-500 (MNIST)",
                  "dbn --data mnist --hidden-units 500,500 --persistent --learning-rate 0.05 --epochs 5"),
    "vae_mnist": ("VAE, 16-D latent (MNIST)",
                  "vae --data mnist --latent-dim 16 --epochs 8 --iwae-samples 10"),
    "dcgan_mnist": ("DCGAN (MNIST)", "dcgan --data mnist --base-filters 32 --limit 30000 --epochs 2"),
    "dcgan_fashion_mnist": ("DCGAN (Fashion-MNIST)",
                            "dcgan --data fashion_mnist --base-filters 32 --limit 30000 --epochs 2"),
    "cgan_mnist": ("Conditional DCGAN (MNIST)", "cgan --data mnist --base-filters 32 --limit 30000 --epochs 2"),
    "pix2pix_facades": ("Pix2Pix, label map to photo (facades, 128 px)",
                        "pix2pix --data $KERAS_GEN_DATA/facades_128.npz --generator-filters 16 "
                        "--discriminator-filters 16 --epochs 3"),
}
# What the figure does not say, on the card (sized to train in minutes on 2 shared cores).
NOTES = {
    "rbm_mnist": "Good features (test_feature_classifier_accuracy in the training metrics), but 1,000-step "
                 "Gibbs chains started from noise often settle in spurious modes (blobs) rather than digits: "
                 "20 PCD epochs at a constant learning rate. benchmarks/rbm_quality.py (60 epochs, decaying "
                 "rate) reaches -87.7 nats.",
    "dbn_mnist": "Clean digits but few classes (mostly 0, 3, 5, 6): 5 greedy epochs per layer, no joint "
                 "fine-tuning of the generative model.",
    "pix2pix_facades": "3 epochs at 16 filters (the paper trains 200 at 64): blurry photos with the "
                       "label map's layout.",
}
RESULTS = os.path.join(ROOT, "benchmarks", "results", "presets.json")


def training_command(name):
    """The card's training command (as a user types it)."""
    return f"keras-gen train {RECIPES[name][1]} --seed 0 --output runs/{name}"


def train(name, runs_dir, log):
    """Runs `keras-gen train` for one preset into `runs_dir/name` (skipped if there)."""
    run = os.path.join(runs_dir, name)
    if os.path.isfile(os.path.join(run, "model.keras")):
        log(f"{name}: trained run found in {run}")
        return None
    arguments = shlex.split(os.path.expandvars(RECIPES[name][1]))
    command = [sys.executable, "-m", "keras_gen", "train", *arguments, "--seed", "0", "--verbose", "2",
               "--output", run]
    log(f"{name}: {' '.join(command)}")
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    subprocess.run(command, check=True, env=env)
    return time.perf_counter() - started


def _load(model_file):
    import keras

    from keras_gen.models import load_model

    keras.utils.set_random_seed(0)
    return load_model(model_file, compile=False)


def _read(path):
    with open(path) as handle:
        return json.load(handle)


def _card_fields(name, run, quality):
    import keras

    from keras_gen import __version__
    from keras_gen.presets.loading import preset_class_name

    record = _read(os.path.join(run, "run.json"))
    metrics = _read(os.path.join(run, "metrics.json"))
    data = shlex.split(RECIPES[name][1])
    return {
        "name": name, "title": RECIPES[name][0], "class": preset_class_name(run, None),
        "model": record["model"], "data": data[data.index("--data") + 1],
        "training_command": training_command(name), "quality": quality, "notes": NOTES.get(name, ""),
        "training_metrics": {key: value for key, value in metrics.items()
                             if isinstance(value, (int, float)) and not isinstance(value, bool)},
        "versions": {"keras_gen": __version__, "keras": keras.__version__,
                     "trained_on_backend": record.get("backend")},
    }


def measure(name, model_file, run):
    """The card figure of the model in `model_file` (seconds included)."""
    from keras_gen.presets.quality import measure as measure_quality

    started = time.perf_counter()
    record_path = os.path.join(run, "data.json")
    record = _read(record_path) if os.path.isfile(record_path) else {}
    card = {"data": shlex.split(RECIPES[name][1])[shlex.split(RECIPES[name][1]).index("--data") + 1]}
    result = measure_quality(_load(model_file), card, record)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _examples(run, folder):
    """Pix2Pix: 2 train and 6 test pairs, so `translate` and the demo have inputs without the data."""
    import numpy as np

    data = _read(os.path.join(run, "run.json"))["args"]["data"]
    path = os.path.join(folder, "examples.npz")
    with np.load(data) as archive:
        np.savez_compressed(path, inputs_train=archive["inputs_train"][:2],
                            targets_train=archive["targets_train"][:2],
                            inputs_test=archive["inputs_test"][:6], targets_test=archive["targets_test"][:6])
    return path


def shrink_artifacts(folder):
    """Stores the demo's ONNX weights as float16 (cast back to float32 in the graph, like
    `keras-gen export --quantize float16`): half the bytes, for the 50 MB budget of all presets."""
    import onnx

    # The converter's own float16 pass; private to keras_gen.export, reused rather than copied.
    from keras_gen.export.converters import _onnx_float16_weights

    export = os.path.join(folder, "export")
    for name in sorted(os.listdir(export)):
        if not name.endswith(".onnx"):
            continue
        sidecar_path = os.path.join(export, name + ".json")
        sidecar = _read(sidecar_path)
        if sidecar.get("quantize") == "none":
            model = onnx.load(os.path.join(export, name))
            _onnx_float16_weights(model)
            onnx.save(model, os.path.join(export, name))
            sidecar["quantize"] = "float16"
        sidecar["size_bytes"] = os.path.getsize(os.path.join(export, name))
        sidecar["source"]["path"] = "model.keras"  # not the build folder of this machine
        with open(sidecar_path, "w") as handle:
            json.dump(sidecar, handle, indent=2, sort_keys=True)


def _finish(name, examples):
    """Run record fixes and the demo's artifacts, before the card lists the files."""

    def finish(folder):
        from keras_gen.apps.runs import export_runs

        path = os.path.join(folder, "run.json")
        record = _read(path)
        record["args"]["output"] = f"runs/{name}"
        if examples:
            record["args"]["data"] = "examples.npz"  # relative to the preset; the card has the source
        with open(path, "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
        export_runs([folder], log=lambda line: None)
        shrink_artifacts(folder)

    return finish


# float16 storage "costs nothing" when the figure moves less than this
# (a tenth of what the slow test tolerates).
NEGLIGIBLE = {"ais_log_likelihood": 0.1, "iwae_nll": 0.1, "fid": "1%", "test_l1": "1%"}


def _negligible(metric, before, after):
    limit = NEGLIGIBLE[metric]
    if isinstance(limit, str):
        limit = float(limit.rstrip("%")) / 100 * abs(before)
    return abs(after - before) <= limit


def pack(name, run, reference, results):
    """Packs `run` as float16 if that leaves the card figure where float32 had it, else float32."""
    import tempfile

    from keras_gen.presets.packing import pack_preset
    from keras_gen.presets.resolve import shipped_dir

    target = os.path.join(shipped_dir(), name)
    with tempfile.TemporaryDirectory() as scratch:
        examples = _examples(run, scratch) if name.startswith("pix2pix") else None
        extra = {"examples.npz": examples} if examples else None
        for float16 in (True, False):
            trial = os.path.join(scratch, f"{name}-{'float16' if float16 else 'float32'}")
            pack_preset(run, trial, {"name": name}, float16=float16, extra_files=extra)
            figure = measure(name, os.path.join(trial, "model.keras"), run)
            results[name][f"figure_{'float16' if float16 else 'float32'}_packed"] = figure
            if not float16 or _negligible(figure["metric"], reference["value"], figure["value"]):
                break
        shutil_rmtree(target)
        card = _card_fields(name, run, {key: value for key, value in figure.items() if key != "seconds"})
        card["quality_before_packing"] = {key: reference[key] for key in ("metric", "value")}
        if examples:
            card["examples"] = "examples.npz"
        pack_preset(run, target, card, float16=float16, extra_files=extra,
                    before_card=_finish(name, examples))
    results[name]["storage"] = "float16" if float16 else "float32"
    files = _read(os.path.join(target, "preset.json"))["files"]
    results[name]["bytes"] = sum(entry["bytes"] for entry in files.values())
    return target


def recard(name):
    """Rewrites a packed preset's card in the current format (figures and files unchanged)."""
    from keras_gen.presets.card import read_card
    from keras_gen.presets.card import verify_files
    from keras_gen.presets.card import write_card
    from keras_gen.presets.packing import storage_record
    from keras_gen.presets.resolve import shipped_dir

    folder = os.path.join(shipped_dir(), name)
    card = read_card(folder)
    verify_files(folder, card)
    card["quality"].pop("seconds", None)
    card["storage"] = storage_record(card["storage"]["weights"] == "float16")
    card["training_command"] = training_command(name)
    card["notes"] = NOTES.get(name, "")
    shrink_artifacts(folder)
    write_card(folder, card)


def shutil_rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _write_results(results):
    """Merges `results` into the JSON (under a lock: presets are packed by parallel processes)."""
    import fcntl

    with open(RESULTS + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _merge_results(results)


def _merge_results(results):
    import platform

    from keras_gen.utils import atomic_path

    previous = _read(RESULTS) if os.path.isfile(RESULTS) else {"presets": {}}
    previous["presets"].update(results)
    shipped = os.path.join(ROOT, "keras_gen", "presets", "shipped")
    previous["total_bytes"] = sum(os.path.getsize(os.path.join(root, f))
                                  for root, _, files in os.walk(shipped) for f in files)
    previous["total_mb"] = round(previous["total_bytes"] / 1e6, 2)
    previous["target"] = "every preset together <= 50 MB; each card figure re-measured by tests/presets/test_quality.py"
    previous["machine"] = {"platform": platform.platform(), "cpus": os.cpu_count(),
                           "load_average": list(os.getloadavg())}
    with atomic_path(RESULTS) as tmp:
        with open(tmp, "w") as handle:
            json.dump(previous, handle, indent=2, sort_keys=True)
            handle.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(RECIPES), default=None)
    parser.add_argument("--stage", choices=("train", "measure", "pack", "card", "all"), default="all",
                        help="card: rewrite the cards of packed presets (same figures, current format)")
    parser.add_argument("--runs", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "keras_gen_presets"),
                        help="where the trained runs are kept between stages")
    args = parser.parse_args(argv)
    os.makedirs(args.runs, exist_ok=True)
    previous = _read(RESULTS)["presets"] if os.path.isfile(RESULTS) else {}
    for name in args.only or list(RECIPES):
        run = os.path.join(args.runs, name)
        results = {name: dict(previous.get(name, {}))}
        if args.stage == "card":
            recard(name)
            _write_results({})  # the total size
            continue
        if args.stage in ("train", "all"):
            seconds = train(name, args.runs, print)
            if seconds is not None:
                results[name]["train_seconds"] = round(seconds, 1)
        if args.stage in ("measure", "all"):
            results[name]["figure_trained"] = measure(name, os.path.join(run, "model.keras"), run)
            print(f"{name}: {results[name]['figure_trained']}")
            _write_results(results)
        if args.stage in ("pack", "all"):
            reference = results[name].get("figure_trained")
            if reference is None:
                raise SystemExit(f"{name}: measure the trained run first (--stage measure)")
            print(f"{name}: packed into {pack(name, run, reference, results)}")
        results[name]["training_command"] = training_command(name)
        if args.stage != "train":
            _write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
