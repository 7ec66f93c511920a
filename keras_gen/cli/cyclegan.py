"""`keras-gen train cyclegan --data UNPAIRED.npz` and `keras-gen translate RUN`."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import runs
from keras_gen.cli import training
from keras_gen.utils import check_in
from keras_gen.utils import save_image_grid

TRANSLATE_OPTIONS = {"direction": "a_to_b"}


def add_train_arguments(parser, model_name):
    parser.add_argument("--image-size", type=arguments.positive_int, default=None,
                        help="resize the images to this size (default: the data's)")
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
                        help="at most this many images per domain")
    parser.add_argument("--no-augment", action="store_true", help="no jitter or mirroring")
    parser.add_argument("--grid-every", type=arguments.positive_int, default=1,
                        help="write the input | translation | reconstruction grid every N epochs")


def load_domains(path, limit=None, image_size=None):
    """Unpaired `.npz` data (a_train, b_train, a_test, b_test) in [-1, 1]."""
    from keras_gen.data import load_unpaired
    from keras_gen.data import resize_images

    if not (isinstance(path, str) and path.endswith(".npz") and os.path.isfile(path)):
        raise ValueError(
            "Expected `--data` to be an unpaired .npz archive (a_train, b_train, a_test, "
            f"b_test), e.g. cyclegan_facades_128.npz. Received: data={path!r}"
        )
    (a_train, b_train), (a_test, b_test) = load_unpaired(path, limit=limit)
    if image_size is not None and image_size != a_train.shape[1]:
        a_train, b_train, a_test, b_test = (
            resize_images(x, image_size) for x in (a_train, b_train, a_test, b_test)
        )
    return (a_train, b_train), (a_test, b_test)


def _cycle_l1(model, images, direction):
    return float(np.abs(model.cycle(images, direction=direction) - images).mean() / 2.0)


def train(args, run_dir):
    import keras

    from keras_gen.data import UnpairedImageDataset
    from keras_gen.models.cyclegan.cyclegan import CycleGAN
    from keras_gen.models.cyclegan.linear_decay_schedule import LinearDecaySchedule
    from keras_gen.callbacks.translation_grid import TranslationGrid

    (a_train, b_train), (a_test, b_test) = load_domains(args.data, args.limit, args.image_size)
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
                                augment=not args.no_augment, seed=args.seed)
    epochs = args.epochs or 200
    total_steps = epochs * len(data)

    def adam():
        schedule = LinearDecaySchedule(args.learning_rate, total_steps)
        return keras.optimizers.Adam(schedule, beta_1=0.5)

    model.compile(generator_optimizer=adam(), discriminator_optimizer=adam())
    grid = TranslationGrid(run_dir, a_test[:4], every=args.grid_every)
    history = model.fit(data, epochs=epochs, verbose=args.verbose, callbacks=[grid, *training.training_callbacks(args, run_dir, model)])
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": tuple(a_train.shape[1:]),
                                     "image_shape_b": list(b_train.shape[1:]), "value_range": [-1.0, 1.0]})
    return {
        "g_loss": float(history.history["g_loss"][-1]),
        "d_loss": float(history.history["d_loss"][-1]),
        "test_cycle_l1_a": _cycle_l1(model, a_test, "a_to_b"),
        "test_cycle_l1_b": _cycle_l1(model, b_test, "b_to_a"),
        "grids": [os.path.basename(path) for path in grid.paths],
    }


def translate(args, run_dir, model):
    """Translates `--count` test images of one domain (`--options '{"direction": "b_to_a"}'`)."""
    from keras_gen.callbacks.translation_grid import _rgb

    direction = check_in("direction", arguments.check_options(args.options, TRANSLATE_OPTIONS)["direction"],
                         ("a_to_b", "b_to_a"))
    _, (a_test, b_test) = load_domains(args.data or runs.read_run(run_dir)["args"]["data"],
                                       image_size=model.image_size)
    images = (a_test if direction == "a_to_b" else b_test)[: args.count]
    rows = np.stack([_rgb(images), _rgb(model.translate(images, direction=direction)),
                     _rgb(model.cycle(images, direction=direction))], axis=1)
    path = args.output or os.path.join(run_dir, f"translations_{direction}.png")
    save_image_grid(path, rows.reshape((-1,) + rows.shape[2:]), 3, value_range=(-1.0, 1.0))
    print(f"input | translation | reconstruction grid of {len(images)} images: {path}")
    return path


def evaluate(args, run_dir, model):
    """Cycle reconstruction L1 ([0, 1] scale) on the test images of both domains."""
    _, (a_test, b_test) = load_domains(args.data or runs.read_run(run_dir)["args"]["data"],
                                       image_size=model.image_size)
    return {"test_cycle_l1_a": _cycle_l1(model, a_test, "a_to_b"),
            "test_cycle_l1_b": _cycle_l1(model, b_test, "b_to_a")}
