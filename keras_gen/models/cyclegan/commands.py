"""`keras-gen train cyclegan --data UNPAIRED.npz` and `keras-gen translate RUN`."""

import os

import numpy as np

from keras_gen.cli import parse_options
from keras_gen.models.pix2pix.commands import _run_args
from keras_gen.utils import atomic_path
from keras_gen.utils import check_in
from keras_gen.utils import check_positive_int
from keras_gen.utils import save_image_grid


def add_train_arguments(parser, model_name):
    parser.add_argument("--image-size", type=int, default=None,
                        help="resize the images to this size (default: the data's)")
    parser.add_argument("--generator-filters", type=int, default=64)
    parser.add_argument("--discriminator-filters", type=int, default=64)
    parser.add_argument("--residual-blocks", type=int, default=None,
                        help="residual blocks per generator (default 6 below 256 px, else 9)")
    parser.add_argument("--cycle-weight", type=float, default=10.0, help="lambda of the cycle loss")
    parser.add_argument("--identity-weight", type=float, default=0.5,
                        help="identity loss weight as a fraction of lambda")
    parser.add_argument("--pool-size", type=int, default=50)
    parser.add_argument("--learning-rate", type=float, default=2e-4,
                        help="initial rate; decays linearly to 0 over the second half")
    parser.add_argument("--limit", type=int, default=None, help="at most this many images per domain")
    parser.add_argument("--no-augment", action="store_true", help="no jitter or mirroring")
    parser.add_argument("--grid-every", type=int, default=1,
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
        check_positive_int("image_size", image_size)
        a_train, b_train, a_test, b_test = (
            resize_images(x, image_size) for x in (a_train, b_train, a_test, b_test)
        )
    return (a_train, b_train), (a_test, b_test)


def _cycle_l1(model, images, direction):
    return float(np.abs(model.reconstruct(images, direction) - images).mean() / 2.0)


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
    history = model.fit(data, epochs=epochs, verbose=args.verbose, callbacks=[grid])
    with atomic_path(os.path.join(run_dir, "model.keras")) as tmp:
        model.save(tmp)
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

    direction = check_in("direction", parse_options(args).get("direction", "a_to_b"),
                         ("a_to_b", "b_to_a"))
    _, (a_test, b_test) = load_domains(args.data or _run_args(run_dir)["data"],
                                       image_size=model.image_size)
    images = (a_test if direction == "a_to_b" else b_test)[: check_positive_int("count", args.count)]
    rows = np.stack([_rgb(images), _rgb(model.translate(images, direction)),
                     _rgb(model.reconstruct(images, direction))], axis=1)
    path = args.output or os.path.join(run_dir, f"translations_{direction}.png")
    save_image_grid(path, rows.reshape((-1,) + rows.shape[2:]), 3, value_range=(-1.0, 1.0))
    print(f"input | translation | reconstruction grid of {len(images)} images: {path}")
    return path


def evaluate(args, run_dir, model):
    """Cycle reconstruction L1 ([0, 1] scale) on the test images of both domains."""
    _, (a_test, b_test) = load_domains(args.data or _run_args(run_dir)["data"],
                                       image_size=model.image_size)
    return {"test_cycle_l1_a": _cycle_l1(model, a_test, "a_to_b"),
            "test_cycle_l1_b": _cycle_l1(model, b_test, "b_to_a")}
