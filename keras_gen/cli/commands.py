"""What each `keras-gen` command does once its line is parsed.

Each function takes the parsed `argparse.Namespace` and returns the exit
status; it imports what it needs when it runs (Keras, the family module),
so that building the parser stays instant.
"""

import datetime
import os

from keras_gen.cli.errors import TrainingDiverged
from keras_gen.cli.families import MODELS
from keras_gen.cli.families import family

__all__ = ["demo", "export", "list_presets", "push", "run", "train"]

# Arguments a resumed run may change: they do not change what is trained.
_RESUME_FREE = ("resume", "overwrite", "verbose")


def _json_ready(payload):
    import json

    return json.loads(json.dumps(payload, default=str))


def _check_resume(args, partial, record):
    from keras_gen.cli import runs

    previous = runs.read_json(os.path.join(partial, runs.RUN_FILE), "run.json")
    before = {k: v for k, v in previous.get("args", {}).items() if k not in _RESUME_FREE}
    now = {k: v for k, v in _json_ready(record["args"]).items() if k not in _RESUME_FREE}
    changed = sorted(key for key in set(before) | set(now) if before.get(key) != now.get(key))
    if changed:
        given = ", ".join(f"--{key.replace('_', '-')}={now.get(key)!r} (the run used "
                          f"{before.get(key)!r})" for key in changed)
        raise ValueError(
            "Expected the arguments of the interrupted run to resume it. Received: " + given
        )
    if previous.get("backend") != record["backend"]:
        raise ValueError(
            f"Expected the backend of the interrupted run ({previous.get('backend')}) to resume "
            f"it. Received: KERAS_BACKEND={record['backend']}"
        )


def train(args):
    """`keras-gen train MODEL`: trains into a hidden partial folder renamed into
    place on success; `--resume` continues an interrupted one."""
    import keras

    from keras_gen import __version__
    from keras_gen.cli import runs

    if args.resume and not args.output:
        raise ValueError("Expected `--output` with --resume (the run folder to continue). "
                         "Received: no --output")
    keras.utils.set_random_seed(args.seed)
    run_dir = args.output or os.path.join(
        "runs", f"{args.model}-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    )
    record = {
        "model": args.model,
        "backend": keras.backend.backend(),
        "keras_gen_version": __version__,
        "args": {key: value for key, value in vars(args).items() if key not in ("func", "debug")},
    }
    args.divergence_guards = []
    with runs.new_run_folder(run_dir, overwrite=args.overwrite, resume=args.resume) as partial:
        run_file = os.path.join(partial, runs.RUN_FILE)
        if os.path.isfile(run_file):
            _check_resume(args, partial, record)
            print(f"resuming {run_dir} from its last backup")
        # Written first: a killed run's partial folder says what it was training.
        runs.write_json(run_file, {**_json_ready(record), "status": "training"})
        metrics = family(args.model).train(args, partial) or {}
        divergences = [d for guard in args.divergence_guards for d in guard.divergences]
        record["status"] = "diverged" if divergences else "complete"
        if divergences:
            record["divergence"] = divergences[0]
            metrics["diverged"] = divergences[0]["reason"]
        record["files"] = runs.list_files(partial) + [runs.RUN_FILE, runs.METRICS_FILE]
        runs.write_json(run_file, _json_ready(record))
        runs.write_json(os.path.join(partial, runs.METRICS_FILE), metrics)
    print(f"run folder: {run_dir}")
    for key, value in sorted(metrics.items()):
        print(f"  {key}: {value}")
    if divergences:
        raise TrainingDiverged(
            f"{divergences[0]['reason']} {run_dir} holds that model, marked diverged in "
            f"{runs.RUN_FILE} and {runs.METRICS_FILE}."
        )
    return 0


def _preset_run(args, name):
    """Points `args.run` at a preset's folder; what the command writes goes to the current folder."""
    from keras_gen.cli import presets

    if name == "evaluate":
        raise ValueError(f"Expected a run folder for `evaluate` (it writes into the run). Received: "
                         f"run={args.run!r}, a preset; its card holds its measured quality")
    folder, card = presets.resolve(args.run)
    stem = f"{card['name'] if card else os.path.basename(folder)}-{name}"
    # translate --input writes one file per input: into a folder, not a PNG.
    translating_files = name == "translate" and getattr(args, "input", None) is not None
    args.output = args.output or (stem if translating_files else f"{stem}.png")
    args.data = args.data or presets.bundled_data(folder, card)
    args.run = folder


def run(args):
    """`keras-gen sample|evaluate|interpolate|translate RUN`: loads the run's model
    and hands it to its family's function of that name."""
    from keras_gen.cli import presets
    from keras_gen.cli import runs

    name = args.command_name
    if presets.is_preset(args.run):
        _preset_run(args, name)
    runs.remove_stale_temp_files(args.run)
    if getattr(args, "output", None):  # evaluate has no --output
        runs.remove_stale_temp_files(os.path.dirname(os.path.abspath(args.output)))
    record = runs.read_run(args.run)
    if record.get("model") not in MODELS:
        raise ValueError(f"Expected a run of one of {sorted(MODELS)}. Received: run={args.run!r} "
                         f"of model {record.get('model')!r}")
    module = family(record["model"])
    if getattr(args, "video", None) and MODELS[record["model"]] != "vid2vid":
        raise ValueError(f"Expected a Vid2Vid run with `--video`. Received: run={args.run!r} of "
                         f"model {record['model']!r}")
    if not hasattr(module, name):
        raise ValueError(f"Expected a run whose model supports `{name}`. Received: run={args.run!r} "
                         f"of model {record['model']!r}")
    if args.options and getattr(module, f"{name.upper()}_OPTIONS", None) is None:
        raise ValueError(f"Expected no `--options` for `{name}` of a {record['model']} run (it "
                         f"takes none). Received: --options={args.options!r}")
    if args.seed is None:
        args.seed = int(record.get("args", {}).get("seed", 0))
    model = runs.load_run_model(args.run)
    result = getattr(module, name)(args, args.run, model)
    if name == "evaluate":
        result = result or {}
        runs.update_metrics(args.run, result)
        for key, value in sorted(result.items()):
            print(f"  {key}: {value}")
    return 0


def export(args):
    """`keras-gen export TARGET`: a run folder, a `.keras` file or a preset."""
    from keras_gen.cli import export as export_command
    from keras_gen.cli import presets

    if presets.is_preset(args.target):
        folder, card = presets.resolve(args.target)
        if args.output is None:
            args.output = f"{card['name'] if card else os.path.basename(folder)}-export"
            os.makedirs(args.output, exist_ok=True)
        args.target = folder
    return export_command.export(args)


def demo(args):
    """`keras-gen demo [RUN ...]`: the Gradio demo, presets resolved to their folders."""
    from keras_gen.apps.launcher import main as launch
    from keras_gen.cli import presets

    args.runs = [presets.resolve(run)[0] if presets.is_preset(run) else run for run in args.runs]
    return launch(args)


def list_presets(args):
    """`keras-gen presets`."""
    from keras_gen.cli import presets

    return presets.list_presets(args)


def push(args):
    """`keras-gen push RUN DESTINATION`."""
    from keras_gen.cli import presets

    return presets.push(args)
