"""`keras-gen train pix2pix --data PAIRS.npz` and `keras-gen translate RUN`."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import runs
from keras_gen.cli import training
from keras_gen.utils import save_image_grid

TRANSLATE_OPTIONS = {"reverse": None}
EVALUATE_OPTIONS = {"reverse": None}


def add_train_arguments(parser, model_name):
    parser.add_argument("--image-size", type=arguments.positive_int, default=None,
                        help="resize the images to this size (default: the data's)")
    parser.add_argument("--generator-filters", type=arguments.positive_int, default=64,
                        help="U-Net width (64 in the paper)")
    parser.add_argument("--discriminator-filters", type=arguments.positive_int, default=64,
                        help="PatchGAN width (64 in the paper)")
    parser.add_argument("--l1-weight", type=arguments.non_negative_float, default=100.0,
                        help="lambda of the L1 term")
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=2e-4,
                        help="Adam learning rate of both networks")
    parser.add_argument("--reverse", action="store_true",
                        help="translate targets -> inputs (facades: photo -> label map)")
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="use at most this many pairs")
    parser.add_argument("--no-augment", action="store_true", help="no jitter or mirroring")
    parser.add_argument("--grid-every", type=arguments.positive_int, default=1,
                        help="write the input | output | target grid every N epochs")


def load_pairs(path, reverse=False, limit=None, image_size=None):
    """Paired `.npz` data in [-1, 1], resized to `image_size` if given."""
    from keras_gen.data import load_paired
    from keras_gen.data import resize_images

    if not (isinstance(path, str) and path.endswith(".npz") and os.path.isfile(path)):
        raise ValueError(
            "Expected `--data` to be a paired .npz archive (inputs_train, targets_train, "
            f"inputs_test, targets_test), e.g. facades_128.npz. Received: data={path!r}"
        )
    (x_train, y_train), (x_test, y_test) = load_paired(path, reverse=reverse, limit=limit)
    if image_size is not None and image_size != x_train.shape[1]:
        x_train, y_train, x_test, y_test = (
            resize_images(a, image_size) for a in (x_train, y_train, x_test, y_test)
        )
    return (x_train, y_train), (x_test, y_test)


def _mean_l1(outputs, targets):
    return float(np.abs(np.asarray(outputs) - np.asarray(targets)).mean() / 2.0)


def train(args, run_dir):
    import keras

    from keras_gen.data import PairedImageDataset
    from keras_gen.models.pix2pix.pix2pix import Pix2Pix
    from keras_gen.callbacks.translation_grid import TranslationGrid

    (x_train, y_train), (x_test, y_test) = load_pairs(
        args.data, args.reverse, args.limit, args.image_size)
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
                              augment=not args.no_augment, seed=args.seed)
    grid = TranslationGrid(run_dir, x_test[:4], y_test[:4], every=args.grid_every)
    history = model.fit(data, epochs=args.epochs or 200, verbose=args.verbose, callbacks=[grid, *training.training_callbacks(args, run_dir, model)])
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": tuple(y_train.shape[1:]),
                                     "input_shape": list(x_train.shape[1:]), "value_range": [-1.0, 1.0]})
    return {
        "train_l1_loss": float(history.history["l1_loss"][-1]),
        "test_l1": _mean_l1(model.translate(x_test), y_test),
        "grids": [os.path.basename(path) for path in grid.paths],
    }


def translate(args, run_dir, model):
    """Translates `--count` test images of `--data` (default: the run's); writes a PNG grid."""
    from keras_gen.callbacks.translation_grid import _rgb

    recorded = runs.read_run(run_dir)["args"]
    options = arguments.check_options(args.options, TRANSLATE_OPTIONS)
    reverse = bool(recorded.get("reverse", False) if options["reverse"] is None else options["reverse"])
    _, (x_test, y_test) = load_pairs(args.data or recorded["data"], reverse,
                                     image_size=model.image_size)
    x_test, y_test = x_test[: args.count], y_test[: args.count]
    outputs = model.translate(x_test)
    rows = np.stack([_rgb(x_test), _rgb(outputs), _rgb(y_test)], axis=1)
    path = args.output or os.path.join(run_dir, "translations.png")
    save_image_grid(path, rows.reshape((-1,) + rows.shape[2:]), 3, value_range=(-1.0, 1.0))
    print(f"input | output | target grid of {len(x_test)} images: {path}")
    print(f"  test_l1 ([0, 1] scale): {_mean_l1(outputs, y_test):.4f}")
    return path


def evaluate(args, run_dir, model):
    """Mean L1 ([0, 1] scale) of the test translations of `--data` (default: the run's)."""
    recorded = runs.read_run(run_dir)["args"]
    options = arguments.check_options(args.options, EVALUATE_OPTIONS)
    reverse = bool(recorded.get("reverse", False) if options["reverse"] is None else options["reverse"])
    _, (x_test, y_test) = load_pairs(args.data or recorded["data"], reverse,
                                     image_size=model.image_size)
    return {"test_l1": _mean_l1(model.translate(x_test), y_test)}
