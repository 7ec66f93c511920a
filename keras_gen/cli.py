"""`keras-gen`: train, sample, evaluate, export and demo from the shell.

Each model family provides a `commands` module (see `COMMAND_MODULES`) with:

- `add_train_arguments(parser, model_name)`: its own `train` options;
- `train(args, run_dir) -> dict`: trains on `args.data`, saves
  `run_dir/model.keras` and its pictures, returns metrics;
- optionally `add_sample_arguments(parser)` / `sample(args, run_dir, model)`,
  `add_evaluate_arguments(parser)` / `evaluate(args, run_dir, model) -> dict`,
  `interpolate(args, run_dir, model)` and `translate(args, run_dir, model)`.

The CLI owns what is common: the run folder, `run.json` (what was trained,
how), `metrics.json`, and the arguments every command shares.
"""

import argparse
import datetime
import importlib
import json
import os
import sys

COMMAND_MODULES = {
    "rbm": "keras_gen.models.rbm.commands",
    "crbm": "keras_gen.models.rbm.commands",
    "dbn": "keras_gen.models.dbn.commands",
    "dbm": "keras_gen.models.dbm.commands",
    "ae": "keras_gen.models.autoencoders.commands",
    "dae": "keras_gen.models.autoencoders.commands",
    "sae": "keras_gen.models.autoencoders.commands",
    "cae": "keras_gen.models.autoencoders.commands",
    "stacked-ae": "keras_gen.models.autoencoders.commands",
    "vae": "keras_gen.models.vae.commands",
    "gan": "keras_gen.models.gan.commands",
    "dcgan": "keras_gen.models.gan.commands",
    "cgan": "keras_gen.models.gan.commands",
    "pix2pix": "keras_gen.models.pix2pix.commands",
    "cyclegan": "keras_gen.models.cyclegan.commands",
}


def _available_models():
    """Model names whose family package is installed (without importing it)."""
    import keras_gen

    root = os.path.dirname(keras_gen.__file__)
    available = {}
    for name, module in COMMAND_MODULES.items():
        relative = module.split(".")[1:]
        if os.path.isfile(os.path.join(root, *relative) + ".py"):
            available[name] = module
    return available


def _commands(model_name):
    return importlib.import_module(COMMAND_MODULES[model_name])


def write_json(path, payload):
    """Writes JSON atomically (temp file, then rename)."""
    from keras_gen.utils import atomic_path

    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(payload, handle, indent=2, sort_keys=True, default=float)
            handle.write("\n")
    return path


def read_run(run_dir):
    """Reads `run.json` of a run folder made by `keras-gen train`."""
    path = os.path.join(run_dir, "run.json")
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected a run folder made by `keras-gen train` (with run.json). "
            f"Received: run={run_dir!r}"
        )
    with open(path) as handle:
        return json.load(handle)


def parse_options(args, defaults=None):
    """`--options` of `sample|evaluate|interpolate|translate` as a dict.

    Args:
        args: the parsed command line (its `options` JSON string).
        defaults: if given, the only keys accepted; missing ones are filled in.

    Returns:
        A dict of options.
    """
    try:
        options = json.loads(args.options or "{}")
    except json.JSONDecodeError as error:
        raise ValueError(f"Expected `--options` to be JSON. Received: options={args.options!r} "
                         f"({error})") from None
    if not isinstance(options, dict):
        raise ValueError(f"Expected `--options` to be a JSON object. Received: options={args.options!r}")
    if defaults is None:
        return options
    if set(options) - set(defaults):
        raise ValueError(f"Expected `--options` keys among {sorted(defaults)}. "
                         f"Received: options={args.options!r}")
    return {**defaults, **options}


def _load(run_dir):
    from keras_gen.models import load_model

    return load_model(os.path.join(run_dir, "model.keras"))


def _cmd_train(args):
    import keras

    from keras_gen import __version__

    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    run_dir = args.output or os.path.join(
        "runs", f"{args.model}-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    )
    os.makedirs(run_dir, exist_ok=True)
    record = {
        "model": args.model,
        "backend": keras.backend.backend(),
        "keras_gen_version": __version__,
        "args": {k: v for k, v in vars(args).items() if k not in ("func",)},
    }
    write_json(os.path.join(run_dir, "run.json"), record)
    metrics = _commands(args.model).train(args, run_dir) or {}
    write_json(os.path.join(run_dir, "metrics.json"), metrics)
    print(f"run folder: {run_dir}")
    for key, value in sorted(metrics.items()):
        print(f"  {key}: {value}")
    return 0


def _run_command(args, name):
    record = read_run(args.run)
    module = _commands(record["model"])
    if not hasattr(module, name):
        raise SystemExit(f"keras-gen {name}: not available for model {record['model']!r}")
    model = _load(args.run)
    result = getattr(module, name)(args, args.run, model)
    if name == "evaluate":
        result = result or {}
        path = os.path.join(args.run, "metrics.json")
        previous = {}
        if os.path.isfile(path):
            with open(path) as handle:
                previous = json.load(handle)
        previous.update(result)
        write_json(path, previous)
        for key, value in sorted(result.items()):
            print(f"  {key}: {value}")
    return 0


def _cmd_export(args):
    module = importlib.import_module("keras_gen.export")
    return module.main(args)


def _cmd_demo(args):
    module = importlib.import_module("apps.launcher")
    return module.main(args)


def build_parser(selected_model=None):
    """The argument parser; only `selected_model`'s own train options are
    added, so a command imports one model family, not all of them."""
    parser = argparse.ArgumentParser(
        prog="keras-gen",
        description="Train, sample, evaluate, export and demo unsupervised generative models.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model; writes a run folder")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL")
    for name in _available_models():
        sub = models.add_parser(name, help=f"train a {name}")
        sub.add_argument("--data", default="digits",
                         help="digits (embedded), mnist, fashion_mnist, cifar10, or a path "
                              "to an .npz archive or image folder")
        sub.add_argument("--epochs", type=int, default=None)
        sub.add_argument("--batch-size", type=int, default=None)
        sub.add_argument("--output", default=None, help="run folder (default runs/MODEL-TIME)")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--verbose", type=int, default=1, help="0 silent, 1 progress bar, 2 one line an epoch")
        if name == selected_model:
            _commands(name).add_train_arguments(sub, name)
        sub.set_defaults(func=_cmd_train)

    for name, description in (
        ("sample", "draw samples from a trained run; writes a PNG grid"),
        ("evaluate", "compute a run's metrics; updates metrics.json"),
        ("interpolate", "interpolate in a generator's latent space"),
        ("translate", "translate images with an image-to-image run"),
    ):
        sub = commands.add_parser(name, help=description)
        sub.add_argument("run", help="run folder made by keras-gen train")
        sub.add_argument("--output", default=None, help="output file (default inside the run)")
        sub.add_argument("--count", type=int, default=64)
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--data", default=None, help="data to evaluate on (default: the run's)")
        sub.add_argument("--options", default="{}", help="extra options as JSON")
        sub.add_argument("--fid", action="store_true", help="evaluate: include FID/KID")
        sub.set_defaults(func=lambda a, n=name: _run_command(a, n))

    export = commands.add_parser("export", help="export a part to ONNX or TFLite")
    export.add_argument("target", help="run folder or .keras file")
    export.add_argument("--part", default=None)
    export.add_argument("--format", default="onnx")
    export.add_argument("--quantize", default="none")
    export.add_argument("--representative-data", default=None)
    export.add_argument("--batch", default="1")
    export.add_argument("--output", default=None)
    export.add_argument("--verify", action="store_true")
    export.set_defaults(func=_cmd_export)

    demo = commands.add_parser("demo", help="launch the Gradio demo")
    demo.add_argument("runs", nargs="*")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=7860)
    demo.add_argument("--concurrency", type=int, default=4, help="requests run at a time")
    demo.add_argument("--max-file-size", default="20mb", help="upload size limit")
    demo.add_argument("--quick", action="store_true", help="smaller default models")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    selected = argv[1] if len(argv) > 1 and argv[0] == "train" else None
    parser = build_parser(selected if selected in COMMAND_MODULES else None)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as error:
        print(f"keras-gen: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
