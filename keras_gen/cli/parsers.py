"""The `keras-gen` argument parser, one function per command group.

Only the named model's own `train` options are added (`build_parser(model)`),
so a command imports one model family, not all of them, and `--help` imports
none.
"""

import argparse

from keras_gen.cli import arguments
from keras_gen.cli import commands
from keras_gen.cli.errors import Parser
from keras_gen.cli.families import MODEL_HELP
from keras_gen.cli.families import MODELS
from keras_gen.cli.families import family

__all__ = ["RUN_COMMANDS", "build_parser", "selected_model"]

RUN_COMMANDS = {
    "sample": "draw samples from a trained run; writes a PNG grid",
    "evaluate": "compute a run's test metrics; updates its metrics.json",
    "interpolate": "walk a generator's latent space; writes a strip PNG and a GIF",
    "translate": "translate images with a Pix2Pix or CycleGAN run, or videos with a Vid2Vid run",
}


def _add_train_parser(subcommands, model):
    train = subcommands.add_parser("train", help="train a model; writes a run folder",
                                   description="Train a model; writes a run folder (model.keras, "
                                               "run.json, data.json, metrics.json, pictures).")
    models = train.add_subparsers(dest="model", required=True, metavar="MODEL", parser_class=Parser)
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
        if name == model:
            family(name).add_train_arguments(sub, name)
        sub.set_defaults(func=commands.train)


def _add_run_parsers(subcommands):
    from keras_gen.cli import options

    for name, description in RUN_COMMANDS.items():
        sub = subcommands.add_parser(name, help=description, description=description[0].upper()
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
        sub.set_defaults(func=commands.run, command_name=name)


def _add_export_parser(subcommands):
    export = subcommands.add_parser("export", help="export a part of a model to ONNX or TFLite",
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
    export.set_defaults(func=commands.export)


def _add_demo_parser(subcommands):
    demo = subcommands.add_parser("demo", help="launch the Gradio demo",
                                  description="Launch the Gradio demo: one tab per model family.")
    demo.add_argument("runs", nargs="*",
                      help="run folders or preset:NAME / hf:// URIs (default: every shipped preset)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="address to bind (127.0.0.1: this machine only)")
    demo.add_argument("--port", type=arguments.positive_int, default=7860, help="port to serve on")
    demo.add_argument("--concurrency", type=arguments.positive_int, default=None,
                      help="requests run at a time; the rest wait in the queue (default 2)")
    demo.add_argument("--max-file-size", default="20mb", help="upload size limit")
    demo.set_defaults(func=commands.demo)


def _add_preset_parsers(subcommands):
    presets = subcommands.add_parser("presets", help="list the pretrained presets shipped with keras-gen",
                                     description="List the shipped presets (use them as preset:NAME).")
    presets.set_defaults(func=commands.list_presets)
    push = subcommands.add_parser("push", help="upload a run or preset, with its card, to a model hub",
                                  description="Upload a run folder (packed as a preset with a card) or a "
                                              "preset folder to the Hugging Face Hub or Kaggle Models.")
    push.add_argument("run", help="run folder made by keras-gen train, or a preset folder")
    push.add_argument("destination", help="hf://OWNER/NAME or kaggle://OWNER/MODEL/FRAMEWORK/VARIATION")
    push.add_argument("--message", default=None, help="commit message / version notes")
    push.set_defaults(func=commands.push)


def build_parser(model=None):
    """The `keras-gen` argument parser.

    Args:
        model: the model being trained (`keras-gen train MODEL`), whose own
            options are added; `None` adds no family's options.

    Returns:
        An `argparse.ArgumentParser` whose errors raise
        `keras_gen.cli.errors.UsageError`; each command sets `func`.

    Example:

    >>> args = build_parser("vae").parse_args(["train", "vae", "--epochs", "3"])
    >>> args.model, args.epochs, args.func.__name__
    ('vae', 3, 'train')
    """
    from keras_gen import __version__

    parser = Parser(
        prog="keras-gen",
        description="Train, sample, evaluate, export and demo unsupervised generative models.",
    )
    parser.add_argument("--version", action="version", version=f"keras-gen {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (anywhere on the line)")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                        parser_class=Parser)
    _add_train_parser(subcommands, model)
    _add_run_parsers(subcommands)
    _add_export_parser(subcommands)
    _add_demo_parser(subcommands)
    _add_preset_parsers(subcommands)
    return parser


def selected_model(argv):
    """The model of a `train MODEL ...` line (whose options the parser needs), else `None`."""
    if len(argv) > 1 and argv[0] == "train" and argv[1] in MODELS:
        return argv[1]
    return None
