"""`keras-gen`: train, sample, evaluate, export and demo from the shell.

Argument parsing only: each subcommand imports what it needs when it runs,
so `keras-gen --help`, `keras-gen train --help` and `keras-gen --version`
answer without importing Keras or a backend. Each model family has a module
in this package (`keras_gen.cli.rbm`, `keras_gen.cli.gan`, ...) with:

- `add_train_arguments(parser, model_name)`: its own `train` options;
- `train(args, run_dir) -> dict`: trains on `args.data`, writes `model.keras`,
  the data record and pictures into `run_dir`, returns metrics;
- optionally `sample`, `evaluate`, `interpolate`, `translate`
  (`(args, run_dir, model)`), and `*_OPTIONS` dicts naming the `--options`
  keys each accepts with their defaults.

Errors reach the user as one line: exit status 2 for bad input (a value,
a path, a file that is not what it should be), 1 for a failure while running
(disk full, a crash inside training); `--debug` shows the traceback.
"""

import argparse
import datetime
import difflib
import os
import sys

from keras_gen.cli import arguments

# model name -> family module under keras_gen.cli (kept here so that listing
# the models imports nothing).
MODELS = {
    "rbm": "rbm",
    "crbm": "rbm",
    "dbn": "dbn",
    "dbm": "dbm",
    "ae": "autoencoders",
    "dae": "autoencoders",
    "sae": "autoencoders",
    "cae": "autoencoders",
    "stacked-ae": "autoencoders",
    "vae": "vae",
    "gan": "gan",
    "dcgan": "gan",
    "cgan": "gan",
    "pix2pix": "pix2pix",
    "cyclegan": "cyclegan",
}
MODEL_HELP = {
    "rbm": "restricted Boltzmann machine (CD-k / PCD; Bernoulli or Gaussian visible units)",
    "crbm": "classification RBM (data + one-hot label units)",
    "dbn": "deep belief network (greedy RBM stack)",
    "dbm": "two-layer deep Boltzmann machine",
    "ae": "autoencoder",
    "dae": "denoising autoencoder",
    "sae": "sparse autoencoder",
    "cae": "contractive autoencoder",
    "stacked-ae": "deep autoencoder, pretrained layer by layer",
    "vae": "variational autoencoder",
    "gan": "GAN with dense networks",
    "dcgan": "deep convolutional GAN",
    "cgan": "class-conditional DCGAN",
    "pix2pix": "paired image-to-image translation (U-Net + PatchGAN)",
    "cyclegan": "unpaired image-to-image translation",
}
RUN_COMMANDS = {
    "sample": "draw samples from a trained run; writes a PNG grid",
    "evaluate": "compute a run's test metrics; updates its metrics.json",
    "interpolate": "walk a generator's latent space; writes a strip PNG and a GIF",
    "translate": "translate images with a Pix2Pix or CycleGAN run",
}


class UsageError(Exception):
    """A command line argparse refused (exit status 2)."""


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):
        # Flags (store_true) have no useful default to show.
        if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, with the closest valid choice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise UsageError(f"{self.prog}: {_suggest(self, message)}")


def _closest(word, candidates):
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _all_options(parser):
    options = []
    for action in parser._actions:
        options.extend(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options.extend(_all_options(sub))
    return options


def _suggest(parser, message):
    if "invalid choice:" in message:
        where, rest = message.split(": invalid choice:", 1)
        word = rest.split("(", 1)[0].strip().strip("'\"")
        choices = rest.split("choose from", 1)[1] if "choose from" in rest else ""
        names = [part.strip(" '\")") for part in choices.split(",")]
        return f"{where}: unknown choice {word!r}{_closest(word, names)}"
    if message.startswith("unrecognized arguments:"):
        unknown = message.split(":", 1)[1].split()[0].split("=", 1)[0]
        return f"unknown option {unknown!r}{_closest(unknown, set(_all_options(parser)))}"
    return message


def _add_train_parser(commands, selected_model):
    train = commands.add_parser("train", help="train a model; writes a run folder",
                                description="Train a model; writes a run folder (model.keras, "
                                            "run.json, data.json, metrics.json, pictures).")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL",
                                  parser_class=_Parser)
    for name, family in MODELS.items():
        sub = models.add_parser(name, help=MODEL_HELP[name], description=f"Train a {MODEL_HELP[name]}.")
        sub.add_argument("--data", default="digits",
                         help="digits (embedded, no download), mnist, fashion_mnist, cifar10, or a "
                              "path to an .npz archive or an image folder")
        sub.add_argument("--epochs", type=arguments.positive_int, default=None,
                         help="training epochs (default: the family's, shown in its metrics)")
        sub.add_argument("--batch-size", type=arguments.positive_int, default=None,
                         help="examples per step (default: the family's)")
        sub.add_argument("--output", default=None,
                         help="run folder to create (default runs/MODEL-TIME)")
        sub.add_argument("--overwrite", action="store_true",
                         help="replace an existing run folder (only once training succeeded)")
        sub.add_argument("--seed", type=arguments.non_negative_int, default=0,
                         help="random seed (weights, data order, sampling)")
        sub.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                         help="0 silent, 1 progress bar, 2 one line an epoch")
        if name == selected_model:
            _family(name).add_train_arguments(sub, name)
        sub.set_defaults(func=_cmd_train)


def _add_run_parsers(commands):
    for name, description in RUN_COMMANDS.items():
        sub = commands.add_parser(name, help=description, description=description[0].upper()
                                  + description[1:] + ".")
        sub.add_argument("run", help="run folder made by keras-gen train, or preset:NAME, or an hf:// / "
                                     "kaggle:// preset URI (see `keras-gen presets`)")
        sub.add_argument("--output", default=None,
                         help="file to write (default: a new file inside the run folder; for a preset, "
                              "NAME-COMMAND.png in the current folder)")
        sub.add_argument("--count", type=arguments.positive_int, default=64,
                         help="images to draw or translate")
        sub.add_argument("--seed", type=arguments.non_negative_int, default=0, help="random seed")
        sub.add_argument("--data", default=None, help="data to use (default: the run's own)")
        sub.add_argument("--options", type=arguments.json_object, default={},
                         help="extra options as a JSON object; the keys each model family "
                              "accepts are listed in the README's command-line section")
        if name == "evaluate":
            sub.add_argument("--fid", action="store_true",
                             help="also compute FID/KID against the data (image models)")
        sub.set_defaults(func=_cmd_run, command_name=name)


def _add_export_parser(commands):
    export = commands.add_parser("export", help="export a part of a model to ONNX or TFLite",
                                 description="Export a part of a trained model to ONNX or TFLite.")
    export.add_argument("target", help="run folder, .keras file, or preset:NAME / hf:// / kaggle:// URI")
    export.add_argument("--part", default=None,
                        choices=("generator", "decoder", "encoder", "features", "binary_codes"),
                        help="part to export (default: the model's first part)")
    export.add_argument("--format", default="onnx", choices=("onnx", "tflite"), help="artifact format")
    export.add_argument("--quantize", default="none", choices=("none", "float16", "dynamic", "int8"),
                        help="weight quantization")
    export.add_argument("--representative-data", default=None,
                        help="int8 calibration data: 'latent', an .npz file or a dataset name")
    export.add_argument("--batch", default="1", choices=("1", "dynamic"),
                        help="batch size baked into the artifact")
    export.add_argument("--output", default=None,
                        help="artifact path (default: RUN/export/PART.FORMAT; for a preset NAME-export/PART.FORMAT)")
    export.add_argument("--verify", action="store_true",
                        help="run the artifact and compare it with the Keras model")
    export.set_defaults(func=_cmd_export)


def _add_demo_parser(commands):
    demo = commands.add_parser("demo", help="launch the Gradio demo",
                               description="Launch the Gradio demo: one tab per model family.")
    demo.add_argument("runs", nargs="*",
                      help="run folders or preset:NAME / hf:// URIs (default: every shipped preset)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="address to bind (127.0.0.1: this machine only)")
    demo.add_argument("--port", type=arguments.positive_int, default=7860, help="port to serve on")
    demo.add_argument("--concurrency", type=arguments.positive_int, default=4,
                      help="requests run at a time; the rest wait in the queue")
    demo.add_argument("--max-file-size", default="20mb", help="upload size limit")
    demo.set_defaults(func=_cmd_demo)


def _add_preset_parsers(commands):
    presets = commands.add_parser("presets", help="list the pretrained presets shipped with keras-gen",
                                  description="List the shipped presets (use them as preset:NAME).")
    presets.set_defaults(func=_cmd_presets)
    push = commands.add_parser("push", help="upload a run or preset, with its card, to a model hub",
                               description="Upload a run folder (packed as a preset with a card) or a "
                                           "preset folder to the Hugging Face Hub or Kaggle Models.")
    push.add_argument("run", help="run folder made by keras-gen train, or a preset folder")
    push.add_argument("destination", help="hf://OWNER/NAME or kaggle://OWNER/MODEL/FRAMEWORK/VARIATION")
    push.add_argument("--message", default=None, help="commit message / version notes")
    push.set_defaults(func=_cmd_push)


def build_parser(selected_model=None):
    """The argument parser; only `selected_model`'s own train options are added,
    so a command imports one model family, not all of them."""
    from keras_gen import __version__

    parser = _Parser(
        prog="keras-gen",
        description="Train, sample, evaluate, export and demo unsupervised generative models.",
    )
    parser.add_argument("--version", action="version", version=f"keras-gen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    _add_train_parser(commands, selected_model)
    _add_run_parsers(commands)
    _add_export_parser(commands)
    _add_demo_parser(commands)
    _add_preset_parsers(commands)
    return parser


def _family(model_name):
    family = MODELS[model_name]
    if family == "rbm":
        from keras_gen.cli import rbm as module
    elif family == "dbn":
        from keras_gen.cli import dbn as module
    elif family == "dbm":
        from keras_gen.cli import dbm as module
    elif family == "autoencoders":
        from keras_gen.cli import autoencoders as module
    elif family == "vae":
        from keras_gen.cli import vae as module
    elif family == "gan":
        from keras_gen.cli import gan as module
    elif family == "pix2pix":
        from keras_gen.cli import pix2pix as module
    else:
        from keras_gen.cli import cyclegan as module
    return module


def _cmd_train(args):
    import keras

    from keras_gen import __version__
    from keras_gen.cli import runs

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
    with runs.new_run_folder(run_dir, overwrite=args.overwrite) as partial:
        metrics = _family(args.model).train(args, partial) or {}
        runs.write_json(os.path.join(partial, runs.RUN_FILE), record)
        runs.write_json(os.path.join(partial, runs.METRICS_FILE), metrics)
    print(f"run folder: {run_dir}")
    for key, value in sorted(metrics.items()):
        print(f"  {key}: {value}")
    return 0


def _preset_run(args, name):
    """Points `args.run` at a preset's folder; what the command writes goes to the current folder."""
    from keras_gen.cli import presets

    if name == "evaluate":
        raise ValueError(f"Expected a run folder for `evaluate` (it writes into the run). Received: "
                         f"run={args.run!r}, a preset; its card holds its measured quality")
    folder, card = presets.resolve(args.run)
    args.output = args.output or f"{card['name'] if card else os.path.basename(folder)}-{name}.png"
    args.data = args.data or presets.bundled_data(folder, card)
    args.run = folder


def _cmd_run(args):
    from keras_gen.cli import presets
    from keras_gen.cli import runs

    name = args.command_name
    if presets.is_preset(args.run):
        _preset_run(args, name)
    record = runs.read_run(args.run)
    if record.get("model") not in MODELS:
        raise ValueError(f"Expected a run of one of {sorted(MODELS)}. Received: run={args.run!r} "
                         f"of model {record.get('model')!r}")
    module = _family(record["model"])
    if not hasattr(module, name):
        raise ValueError(f"Expected a run whose model supports `{name}`. Received: run={args.run!r} "
                         f"of model {record['model']!r}")
    model = runs.load_run_model(args.run)
    result = getattr(module, name)(args, args.run, model)
    if name == "evaluate":
        result = result or {}
        runs.update_metrics(args.run, result)
        for key, value in sorted(result.items()):
            print(f"  {key}: {value}")
    return 0


def _cmd_export(args):
    from keras_gen.cli import presets
    from keras_gen.cli.export import export

    if presets.is_preset(args.target):
        folder, card = presets.resolve(args.target)
        if args.output is None:
            args.output = f"{card['name'] if card else os.path.basename(folder)}-export"
            os.makedirs(args.output, exist_ok=True)
        args.target = folder
    return export(args)


def _cmd_demo(args):
    from keras_gen.apps.launcher import main as launch
    from keras_gen.cli import presets

    args.runs = [presets.resolve(run)[0] if presets.is_preset(run) else run for run in args.runs]
    return launch(args)


def _cmd_presets(args):
    from keras_gen.cli import presets

    return presets.list_presets(args)


def _cmd_push(args):
    from keras_gen.cli import presets

    return presets.push(args)


def _selected_model(argv):
    if len(argv) > 1 and argv[0] == "train" and argv[1] in MODELS:
        return argv[1]
    return None


def _bad_input(error):
    return isinstance(error, (ValueError, TypeError, FileNotFoundError, NotADirectoryError,
                              IsADirectoryError, KeyError))


def main(argv=None):
    """Runs `keras-gen ARGS`; returns the exit status (0, 1 runtime failure, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ start-up chatter
    debug = "--debug" in argv
    try:
        parser = build_parser(_selected_model(argv))
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except SystemExit as exit_:  # --help, --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except UsageError as error:
        print(f"{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("keras-gen: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line for the user; --debug for the traceback
        if debug:
            raise
        code = 2 if _bad_input(error) else 1
        kind = "error" if code == 2 else f"failed ({type(error).__name__})"
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"keras-gen: {kind}: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
