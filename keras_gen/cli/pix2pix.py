"""`keras-gen train pix2pix --data PAIRS`, `evaluate` and `translate RUN [--input IMAGES]`."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import image_files
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import quality
from keras_gen.cli import runs
from keras_gen.cli import training

TRANSLATE_OPTIONS = options.defaults("translate", "pix2pix")
EVALUATE_OPTIONS = options.defaults("evaluate", "pix2pix")
DEFAULT_EPOCHS = 200


def add_train_arguments(parser, model_name):
    parser.description = (
        "Train a paired image-to-image translation (U-Net + PatchGAN) on an .npz archive or a "
        f"folder. --epochs defaults to {DEFAULT_EPOCHS} as in the paper: hours to days on a CPU, "
        "so try --epochs 5 first."
    )
    parser.set_defaults(epochs=DEFAULT_EPOCHS, batch_size=1, data="facades_128.npz")
    image_files.add_image_to_image_arguments(parser)
    parser.add_argument("--generator-filters", type=arguments.positive_int, default=64,
                        help="U-Net width (64 in the paper)")
    parser.add_argument("--discriminator-filters", type=arguments.positive_int, default=64,
                        help="PatchGAN width (64 in the paper)")
    parser.add_argument("--l1-weight", type=arguments.non_negative_float, default=100.0,
                        help="lambda of the L1 term")
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=2e-4,
                        help="Adam learning rate of both networks")
    parser.add_argument("--reverse", action="store_true",
                        help="translate targets -> inputs, B -> A (facades: photo -> label map)")
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="train on at most this many pairs (the test pairs are all used)")


def load_pairs(path, reverse=False, limit=None, image_size=None, crop=False, seed=0):
    """Paired data in [-1, 1] from an .npz archive or a folder; `limit` thins the training pairs."""
    from keras_gen.data import load_paired
    from keras_gen.data.loader_checks import resolve_path
    from keras_gen.data.loader_checks import subset_indices

    found = resolve_path(path) if isinstance(path, str) else path
    if not (isinstance(found, str) and (os.path.isdir(found) or (found.endswith(".npz")
                                                                  and os.path.isfile(found)))):
        raise ValueError(
            "Expected `--data` to be a paired .npz archive (inputs_train, targets_train, "
            "inputs_test, targets_test), e.g. facades_128.npz, or a folder of train/ test/ "
            f"AB images or A/ B/. Received: data={path!r}"
        )
    (x_train, y_train), (x_test, y_test) = load_paired(found, reverse=reverse,
                                                       image_size=image_size, crop=crop)
    if x_train.shape[1] != x_train.shape[2]:
        raise ValueError("Expected square images for Pix2Pix. Received: images of "
                         f"{x_train.shape[2]}x{x_train.shape[1]} in data={path!r} (pass "
                         "--image-size N, and --crop to keep their aspect)")
    rows = subset_indices(len(x_train), limit, seed)
    if rows is not None:
        x_train, y_train = x_train[rows], y_train[rows]
    return (x_train, y_train), (x_test, y_test)


def test_metrics(model, x_test, y_test):
    """The run's test figure, one definition for `train` and `evaluate`: the mean
    absolute error of the translations of every test pair, on the [0, 1] scale."""
    outputs = model.translate(x_test)
    return {"test_l1": float(np.abs(outputs - y_test).mean() / 2.0), "test_pairs": int(len(x_test))}


def train(args, run_dir):
    import keras

    from keras_gen.callbacks.translation_grid import TranslationGrid
    from keras_gen.data import PairedImageDataset
    from keras_gen.models.pix2pix.pix2pix import Pix2Pix

    (x_train, y_train), (x_test, y_test) = load_pairs(
        args.data, args.reverse, args.limit, args.image_size, args.crop, args.seed)
    model = Pix2Pix(
        image_size=x_train.shape[1],
        input_channels=x_train.shape[-1],
        output_channels=y_train.shape[-1],
        generator_filters=args.generator_filters,
        discriminator_filters=args.discriminator_filters,
        l1_weight=args.l1_weight,
    )
    model.compile(
        generator_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        discriminator_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
    )
    data = PairedImageDataset(x_train, y_train, batch_size=args.batch_size or 1,
                              augment=not args.no_augment, jitter_size=args.jitter_size,
                              mirror=not args.no_mirror, seed=args.seed)
    progress = os.path.join(run_dir, runs.PROGRESS_FOLDER)
    os.makedirs(progress, exist_ok=True)
    scale = plots.picture_scale(x_train.shape[1:])
    grid = TranslationGrid(progress, x_test[:4], y_test[:4], every=args.picture_every, scale=scale)
    pictures = {"images": lambda _: image_files.translation_rows(
                    x_test[:4], model.translate(x_test[:4]), y_test[:4]),
                "value_range": (-1.0, 1.0), "columns": 3, "image_shape": x_train.shape[1:],
                "image_tag": "input | output | target"}
    history = model.fit(data, epochs=args.epochs or DEFAULT_EPOCHS, verbose=args.verbose,
                        callbacks=[grid, *training.training_callbacks(args, run_dir, model, pictures)])
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": tuple(y_train.shape[1:]),
                                     "input_shape": list(x_train.shape[1:]), "value_range": [-1.0, 1.0],
                                     "reverse": bool(args.reverse), "crop": bool(args.crop),
                                     "image_size": int(x_train.shape[1])})
    _grid(model, os.path.join(run_dir, "translations.png"), x_test[:8], y_test[:8])
    return {"train_l1_loss": float(history.history["l1_loss"][-1]), **test_metrics(model, x_test, y_test)}


def _grid(model, path, inputs, targets):
    rows = image_files.translation_rows(inputs, model.translate(inputs), targets)
    return plots.save_grid(path, rows, columns=3, value_range=(-1.0, 1.0))


def _test_pairs(args, run_dir, model, options_):
    """The run's test pairs, prepared as in training (or `--data`'s)."""
    record = runs.read_data_record(run_dir)
    recorded = runs.read_run(run_dir)["args"]
    reverse = record.get("reverse", recorded.get("reverse", False))
    reverse = bool(reverse if options_["reverse"] is None else options_["reverse"])
    _, (x_test, y_test) = load_pairs(args.data or recorded["data"], reverse,
                                     image_size=model.image_size, crop=record.get("crop", False))
    return x_test, y_test


def translate(args, run_dir, model):
    """Translates `--input` (an image or a folder: one output per input, names kept, into
    `--output`, default RUN/translated) or, without it, writes an input | output | target
    grid of `--count` test images (default 8)."""
    options_ = arguments.check_options(args.options, TRANSLATE_OPTIONS)
    if args.input is not None:
        crop = runs.read_data_record(run_dir).get("crop", False)
        images, names = image_files.read_inputs(args.input, model.image_size,
                                                model.input_channels, crop)
        folder = args.output or os.path.join(run_dir, "translated")
        paths = image_files.write_outputs(args, run_dir, folder, names, model.translate(images))
        print(f"{len(paths)} translations in {folder}")
        return folder
    path = runs.output_path(args, run_dir, "translations-test.png")
    x_test, y_test = _test_pairs(args, run_dir, model, options_)
    count = args.count or 8
    _grid(model, path, x_test[:count], y_test[:count])
    print(f"input | output | target grid of {min(count, len(x_test))} test images: {path}")
    return path


def evaluate(args, run_dir, model):
    """`test_l1` as `train` computes it (every test pair of the run's data, or `--data`);
    with `--fid`, FID/KID of the translations against the targets."""
    options_ = arguments.check_options(args.options, EVALUATE_OPTIONS)
    x_test, y_test = _test_pairs(args, run_dir, model, options_)
    metrics = test_metrics(model, x_test, y_test)
    if args.fid:
        count = min(options_["fid_samples"], len(x_test))
        real = (y_test[:count] + 1.0) / 2.0
        generated = (np.clip(model.translate(x_test[:count]), -1.0, 1.0) + 1.0) / 2.0
        metrics.update(quality.fid_metrics(args, run_dir, real, generated))
    return metrics
