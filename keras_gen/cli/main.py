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
import warnings

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
    "vid2vid": "vid2vid",
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
    "vid2vid": "label-map video to video, consistent over time (flow-warping generator)",
}
RUN_COMMANDS = {
    "sample": "draw samples from a trained run; writes a PNG grid",
    "evaluate": "compute a run's test metrics; updates its metrics.json",
    "interpolate": "walk a generator's latent space; writes a strip PNG and a GIF",
    "translate": "translate images with a Pix2Pix or CycleGAN run, or videos with a Vid2Vid run",
}


class UsageError(Exception):
    """A command line argparse refused (exit status 2)."""


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
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
    for name in MODELS:
        sub = models.add_parser(name, help=MODEL_HELP[name], description=f"Train a {MODEL_HELP[name]}.")
        sub.add_argument("--data", default="digits",
                         help="digits (embedded, no download), mnist, fashion_mnist, cifar10, or a "
                              "path (also looked up in $KERAS_GEN_DATA) to an .npz archive or an "
                              "image folder; pix2pix/cyclegan: a folder of train/ test/ AB "
                              "images, A/ B/, or trainA/ trainB/ testA/ testB/")
        sub.add_argument("--epochs", type=arguments.positive_int, default=None,
                         help="training epochs")
        sub.add_argument("--batch-size", type=arguments.positive_int, default=None,
                         help="examples per step (default: the family's)")
        sub.add_argument("--output", default=None,
                         help="run folder to create (default runs/MODEL-TIME)")
        sub.add_argument("--overwrite", action="store_true",
                         help="replace an existing run folder (only once training succeeded)")
        sub.add_argument("--resume", action="store_true",
                         help="continue the interrupted (killed) run of --output from its last "
                              "epoch backup, with the same arguments; starts it if there is none")
        sub.add_argument("--seed", type=arguments.non_negative_int, default=0,
                         help="random seed (weights, data order, sampling)")
        sub.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                         help="0 silent, 1 progress bar, 2 one line an epoch")
        sub.add_argument("--tensorboard", action=argparse.BooleanOptionalAction, default=None,
                         help="write TensorBoard logs to RUN/tensorboard (default: on when the "
                              "tensorboard package is installed); history.csv and curves.png "
                              "are always written")
        sub.add_argument("--picture-every", type=arguments.positive_int, default=1,
                         help="draw the progress pictures (RUN/progress/, TensorBoard) every N "
                              "epochs, and after the last")
        if name == selected_model:
            _family(name).add_train_arguments(sub, name)
        sub.set_defaults(func=_cmd_train)


def _add_run_parsers(commands):
    from keras_gen.cli import options

    for name, description in RUN_COMMANDS.items():
        sub = commands.add_parser(name, help=description, description=description[0].upper()
                                  + description[1:] + ".", epilog=options.describe(name))
        sub.add_argument("run", help="run folder made by keras-gen train, or preset:NAME, or an hf:// / "
                                     "kaggle:// preset URI (see `keras-gen presets`)")
        if name != "evaluate":  # evaluate writes metrics.json and RUN/evaluation/
            sub.add_argument("--output", default=None, help=options.OUTPUT_HELP[name])
            sub.add_argument("--count", type=arguments.count, default=None,
                             help=f"{options.COUNT_HELP[name]} (at most {arguments.MAX_COUNT})")
        sub.add_argument("--overwrite", action="store_true",
                         help="allow replacing files that `keras-gen train` wrote")
        sub.add_argument("--seed", type=arguments.non_negative_int, default=None,
                         help="random seed (default: the run's, so that evaluate repeats the "
                              "test figures train reported)")
        sub.add_argument("--data", default=None, help="data to use (default: the run's own)")
        sub.add_argument("--options", type=arguments.json_object, default={},
                         help="extra options as a JSON object; keys listed below")
        sub.add_argument("--verbose", type=int, choices=(0, 1), default=1,
                         help="1 shows progress bars of long evaluations (AIS, IWAE, FID)")
        if name == "translate":
            sub.add_argument("--video", default=None,
                             help="Vid2Vid: label-map video(s) to translate, a folder holding "
                                  "maps/ or an .npz with 'maps' (default: test videos of the "
                                  "run's data); writes a GIF and an .npz of the frames")
        if name == "evaluate":
            sub.add_argument("--fid", action="store_true",
                             help="also compute FID, KID and precision/recall of generated "
                                  "images (or translations) against the test images")
            sub.add_argument("--feature-model", default=None,
                             help="features for --fid: mnist, fashion_mnist, inception, or a "
                                  ".keras model taking the images in [0, 1] (default: "
                                  "fashion_mnist for Fashion-MNIST, mnist for other greyscale "
                                  "data, inception for colour)")
        if name == "translate":
            sub.add_argument("--input", default=None,
                             help="an image file or a folder of them to translate (one output "
                                  "per input, names kept); default: a grid of test images")
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
    export.add_argument("--batch", default="dynamic", choices=("1", "dynamic"),
                        help="'dynamic' (default): any batch size; '1': a fixed batch of one, "
                             "for runtimes that need static shapes")
    export.add_argument("--output", default=None, help="artifact path (default: RUN/export/PART.FORMAT; for a preset "
                                                     "NAME-export/PART.FORMAT)")
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
    demo.add_argument("--concurrency", type=arguments.positive_int, default=None,
                      help="requests run at a time; the rest wait in the queue (default 2)")
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
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (anywhere on the line)")
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
    elif family == "vid2vid":
        from keras_gen.cli import vid2vid as module
    else:
        from keras_gen.cli import cyclegan as module
    return module


class TrainingDiverged(RuntimeError):
    """Training stopped on a divergence; the run folder holds the restored model."""


# Arguments a resumed run may change: they do not change what is trained.
_RESUME_FREE = ("resume", "overwrite", "verbose")


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


def _json_ready(payload):
    import json

    return json.loads(json.dumps(payload, default=str))


def _cmd_train(args):
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
        metrics = _family(args.model).train(args, partial) or {}
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


def _cmd_run(args):
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
    module = _family(record["model"])
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


# OSError numbers that mean the path given is wrong (bad input), as opposed
# to the machine failing (disk full, I/O error: a runtime failure).
_BAD_PATH_ERRNOS = ("EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EISDIR", "ENAMETOOLONG",
                    "EEXIST", "ENOTEMPTY", "ELOOP")


def _bad_input(error):
    import errno

    if isinstance(error, OSError) and error.errno is not None:
        return errno.errorcode.get(error.errno) in _BAD_PATH_ERRNOS
    return isinstance(error, (ValueError, TypeError, KeyError, LookupError))


def _target(path):
    """The path the user knows for a temporary file of `keras_gen.utils.atomic_path`
    or a file inside the hidden partial folder of a run being trained."""
    parts = str(path).split(os.sep)
    for index, part in enumerate(parts):
        if part.startswith(".tmp-") and "-pid" in part:
            parts[index] = part[len(".tmp-"):].rsplit("-pid", 1)[0]
        elif part.startswith(".") and ".partial-" in part:
            parts[index] = part[1:].rsplit(".partial-", 1)[0]
    return os.sep.join(parts)


def _message(error):
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror
        if error.filename:
            message += f": {_target(error.filename)}"
        if error.errno is not None and error.errno == __import__("errno").ENOSPC:
            message += " (free some space and rerun; nothing was left half-written)"
        return message
    if isinstance(error, KeyError) and error.args:
        return f"missing key {error.args[0]!r}"
    return " ".join(str(error).split()) or type(error).__name__


def main(argv=None):
    """Runs `keras-gen ARGS`; returns the exit status (0, 1 runtime failure, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ start-up chatter
    debug = "--debug" in argv
    if debug:  # accepted anywhere on the line, not only before the command
        argv = ["--debug"] + [part for part in argv if part != "--debug"]
    formatter, warnings.formatwarning = warnings.formatwarning, _one_line_warning
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
        resume = " (rerun with --resume to continue)" if argv[:1] == ["train"] else ""
        print(f"keras-gen: interrupted{resume}", file=sys.stderr)
        return 130
    except Exception as error:  # one line for the user; --debug for the traceback
        if debug:
            raise
        code = 2 if _bad_input(error) else 1
        if isinstance(error, TrainingDiverged):
            kind = "diverged"
        else:
            kind = "error" if code == 2 else f"failed ({type(error).__name__})"
        print(f"keras-gen: {kind}: {_message(error)}", file=sys.stderr)
        return code
    finally:
        warnings.formatwarning = formatter


def _one_line_warning(message, category, filename, lineno, line=None):
    # What the library warns about (e.g. a data split it made) reads as one line here.
    return f"keras-gen: note: {' '.join(str(message).split())}\n"


if __name__ == "__main__":
    sys.exit(main())
