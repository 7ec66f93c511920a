"""`keras-gen train cyclegan --data DOMAINS`, `evaluate` and `translate RUN [--input IMAGES]`."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import image_files
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import quality
from keras_gen.cli import runs
from keras_gen.cli import training
from keras_gen.utils import check_in

TRANSLATE_OPTIONS = options.defaults("translate", "cyclegan")
EVALUATE_OPTIONS = options.defaults("evaluate", "cyclegan")
DEFAULT_EPOCHS = 200
DIRECTIONS = ("a_to_b", "b_to_a")


def add_train_arguments(parser, model_name):
    parser.description = (
        "Train an unpaired image-to-image translation (CycleGAN) on an .npz archive or a "
        f"trainA/ trainB/ testA/ testB/ folder. --epochs defaults to {DEFAULT_EPOCHS} as in the "
        "paper (the learning rate decays over the second half): days on a CPU, so try "
        "--epochs 5 first."
    )
    parser.set_defaults(epochs=DEFAULT_EPOCHS, batch_size=1, data="cyclegan_facades_128.npz")
    image_files.add_image_to_image_arguments(parser)
    parser.add_argument("--generator-filters", type=arguments.positive_int, default=64,
                        help="ResNet generator width (64 in the paper)")
    parser.add_argument("--discriminator-filters", type=arguments.positive_int, default=64,
                        help="PatchGAN width (64 in the paper)")
    parser.add_argument("--residual-blocks", type=arguments.positive_int, default=None,
                        help="residual blocks per generator (default 6 below 256 px, else 9)")
    parser.add_argument("--cycle-weight", type=arguments.non_negative_float, default=10.0,
                        help="lambda of the cycle loss")
    parser.add_argument("--identity-weight", type=arguments.non_negative_float, default=0.5,
                        help="identity loss weight as a fraction of lambda")
    parser.add_argument("--pool-size", type=arguments.non_negative_int, default=50,
                        help="image pool of past generated images (0: none)")
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=2e-4,
                        help="initial rate; decays linearly to 0 over the second half")
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="train on at most this many images per domain (the test images "
                             "are all used)")


def load_domains(path, limit=None, image_size=None, crop=False, seed=0):
    """Unpaired data in [-1, 1] from an .npz archive or a trainA/trainB/testA/testB folder."""
    from keras_gen.data import load_unpaired
    from keras_gen.data.loader_checks import resolve_path
    from keras_gen.data.loader_checks import subset_indices

    found = resolve_path(path) if isinstance(path, str) else path
    if not (isinstance(found, str) and (os.path.isdir(found) or (found.endswith(".npz")
                                                                  and os.path.isfile(found)))):
        raise ValueError(
            "Expected `--data` to be an unpaired .npz archive (a_train, b_train, a_test, "
            "b_test), e.g. cyclegan_facades_128.npz, or a folder with trainA/ trainB/ [testA/ "
            f"testB/]. Received: data={path!r}"
        )
    (a_train, b_train), (a_test, b_test) = load_unpaired(found, image_size=image_size, crop=crop)
    if a_train.shape[1] != a_train.shape[2]:
        raise ValueError("Expected square images for CycleGAN. Received: images of "
                         f"{a_train.shape[2]}x{a_train.shape[1]} in data={path!r} (pass "
                         "--image-size N, and --crop to keep their aspect)")
    a_rows, b_rows = subset_indices(len(a_train), limit, seed), subset_indices(len(b_train), limit, seed + 1)
    a_train = a_train if a_rows is None else a_train[a_rows]
    b_train = b_train if b_rows is None else b_train[b_rows]
    return (a_train, b_train), (a_test, b_test)


def test_metrics(model, a_test, b_test):
    """The run's test figures, one definition for `train` and `evaluate`: mean absolute
    cycle-reconstruction error of every test image of each domain, on the [0, 1] scale."""
    def cycle_l1(images, direction):
        return float(np.abs(model.cycle(images, direction=direction) - images).mean() / 2.0)

    return {"test_cycle_l1_a": cycle_l1(a_test, "a_to_b"),
            "test_cycle_l1_b": cycle_l1(b_test, "b_to_a"),
            "test_images_a": int(len(a_test)), "test_images_b": int(len(b_test))}


def _rows(model, images, direction):
    return image_files.translation_rows(images, model.translate(images, direction=direction),
                                        model.cycle(images, direction=direction))


def train(args, run_dir):
    import keras

    from keras_gen.callbacks.translation_grid import TranslationGrid
    from keras_gen.data import UnpairedImageDataset
    from keras_gen.models.cyclegan.cyclegan import CycleGAN
    from keras_gen.models.cyclegan.linear_decay_schedule import LinearDecaySchedule

    (a_train, b_train), (a_test, b_test) = load_domains(args.data, args.limit, args.image_size,
                                                        args.crop, args.seed)
    model = CycleGAN(
        image_size=a_train.shape[1],
        channels_a=a_train.shape[-1],
        channels_b=b_train.shape[-1],
        generator_filters=args.generator_filters,
        discriminator_filters=args.discriminator_filters,
        residual_blocks=args.residual_blocks,
        cycle_weight=args.cycle_weight,
        identity_weight=args.identity_weight,
        pool_size=args.pool_size,
        seed=args.seed,
    )
    data = UnpairedImageDataset(a_train, b_train, batch_size=args.batch_size or 1,
                                augment=not args.no_augment, jitter_size=args.jitter_size,
                                mirror=not args.no_mirror, seed=args.seed)
    epochs = args.epochs or DEFAULT_EPOCHS
    total_steps = epochs * len(data)

    def adam():
        schedule = LinearDecaySchedule(args.learning_rate, total_steps)
        return keras.optimizers.Adam(schedule, beta_1=0.5)

    model.compile(generator_optimizer=adam(), discriminator_optimizer=adam())
    progress = os.path.join(run_dir, runs.PROGRESS_FOLDER)
    os.makedirs(progress, exist_ok=True)
    grid = TranslationGrid(progress, a_test[:4], every=args.picture_every,
                           scale=plots.picture_scale(a_train.shape[1:]))
    pictures = {"images": lambda _: np.concatenate([_rows(model, a_test[:4], "a_to_b"),
                                                    _rows(model, b_test[:4], "b_to_a")]),
                "value_range": (-1.0, 1.0), "columns": 3, "image_shape": a_train.shape[1:],
                "image_tag": "input | translation | reconstruction"}
    history = model.fit(data, epochs=epochs, verbose=args.verbose,
                        callbacks=[grid, *training.training_callbacks(args, run_dir, model, pictures)])
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": tuple(a_train.shape[1:]),
                                     "image_shape_b": list(b_train.shape[1:]), "value_range": [-1.0, 1.0],
                                     "crop": bool(args.crop), "image_size": int(a_train.shape[1])})
    rows = np.concatenate([_rows(model, a_test[:4], "a_to_b"), _rows(model, b_test[:4], "b_to_a")])
    plots.save_grid(os.path.join(run_dir, "translations.png"), rows, columns=3,
                    value_range=(-1.0, 1.0))
    return {
        "g_loss": float(history.history["g_loss"][-1]),
        "d_loss": float(history.history["d_loss"][-1]),
        **test_metrics(model, a_test, b_test),
    }


def _test_domains(args, run_dir, model):
    record = runs.read_data_record(run_dir)
    _, (a_test, b_test) = load_domains(args.data or runs.read_run(run_dir)["args"]["data"],
                                       image_size=model.image_size, crop=record.get("crop", False))
    return a_test, b_test


def translate(args, run_dir, model):
    """Translates `--input` (an image or a folder: one output per input, names kept, into
    `--output`, default RUN/translated_a_to_b) one way (`--options '{"direction": "b_to_a"}'`),
    or writes an input | translation | reconstruction grid of `--count` test images."""
    direction = check_in("direction",
                         arguments.check_options(args.options, TRANSLATE_OPTIONS)["direction"],
                         DIRECTIONS)
    if args.input is not None:
        channels = model.channels_a if direction == "a_to_b" else model.channels_b
        crop = runs.read_data_record(run_dir).get("crop", False)
        images, names = image_files.read_inputs(args.input, model.image_size, channels, crop)
        folder = args.output or os.path.join(run_dir, f"translated_{direction}")
        paths = image_files.write_outputs(args, run_dir, folder, names,
                                          model.translate(images, direction=direction))
        print(f"{len(paths)} translations ({direction}) in {folder}")
        return folder
    path = runs.output_path(args, run_dir, f"translations-test-{direction}.png")
    a_test, b_test = _test_domains(args, run_dir, model)
    images = (a_test if direction == "a_to_b" else b_test)[: args.count or 8]
    plots.save_grid(path, _rows(model, images, direction), columns=3, value_range=(-1.0, 1.0))
    print(f"input | translation | reconstruction grid of {len(images)} images: {path}")
    return path


def evaluate(args, run_dir, model):
    """Cycle reconstruction L1 ([0, 1] scale) on every test image of both domains, as
    `train` computes it; with `--fid`, FID/KID of each direction's translations against
    the other domain's test images."""
    options_ = arguments.check_options(args.options, EVALUATE_OPTIONS)
    a_test, b_test = _test_domains(args, run_dir, model)
    metrics = test_metrics(model, a_test, b_test)
    if args.fid:
        count = options_["fid_samples"]
        for direction, source, target in (("a_to_b", a_test, b_test), ("b_to_a", b_test, a_test)):
            generated = (np.clip(model.translate(source[:count], direction=direction), -1, 1) + 1.0) / 2.0
            metrics.update(quality.fid_metrics(args, run_dir, (target[:count] + 1.0) / 2.0,
                                               generated, suffix="_" + direction))
    return metrics
