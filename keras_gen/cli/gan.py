"""`keras-gen train gan|dcgan|cgan`, `sample`, `interpolate` and `evaluate --fid`."""

import os
import time

import keras
import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import quality
from keras_gen.cli import runs
from keras_gen.cli import training

_DEFAULT_EPOCHS = {"gan": 20, "dcgan": 5, "cgan": 5}
SAMPLE_OPTIONS = options.defaults("sample", "gan")
INTERPOLATE_OPTIONS = options.defaults("interpolate", "gan")
EVALUATE_OPTIONS = options.defaults("evaluate", "gan")


def add_train_arguments(parser, model_name):
    """Adds the GAN options to `keras-gen train gan|dcgan|cgan`."""
    from keras_gen.losses.adversarial import ADVERSARIAL_LOSSES

    parser.set_defaults(epochs=_DEFAULT_EPOCHS[model_name], batch_size=64)
    parser.add_argument("--loss", default="non_saturating", choices=ADVERSARIAL_LOSSES,
                        help="adversarial loss")
    parser.add_argument("--latent-dim", type=arguments.positive_int,
                        default=100 if model_name != "gan" else 32, help="noise size")
    parser.add_argument("--discriminator-steps", type=arguments.positive_int, default=1,
                        help="discriminator updates per generator update (k)")
    parser.add_argument("--learning-rate", type=arguments.positive_float, default=2e-4,
                        help="Adam learning rate of both networks")
    parser.add_argument("--beta-1", type=arguments.open_fraction, default=0.5, help="Adam beta_1")
    parser.add_argument("--label-smoothing", type=arguments.fraction, default=0.0,
                        help="one-sided label smoothing of the real labels")
    parser.add_argument("--instance-noise", type=arguments.non_negative_float, default=0.0,
                        help="std of Gaussian noise added to the discriminator's inputs")
    parser.add_argument("--ema", type=arguments.open_fraction, default=None,
                        help="keep an EMA generator with this decay (e.g. 0.999) and use it")
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="use at most this many samples")
    parser.add_argument("--steps-per-execution", type=arguments.positive_int, default=None,
                        help="train steps per compiled call (default 10; 1 on torch)")
    if model_name != "gan":
        parser.add_argument("--base-filters", type=arguments.positive_int, default=64,
                            help="width of the DCGAN networks (64 in the paper)")


def _mlp_networks(shape, latent_dim):
    size = int(np.prod(shape))
    generator = keras.Sequential([
        keras.Input((latent_dim,), name="noise"),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(size), keras.layers.Activation("tanh", dtype="float32"),
        keras.layers.Reshape(shape),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input(shape, name="samples"), keras.layers.Flatten(),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1, dtype="float32"),
    ], name="discriminator")
    return generator, discriminator


def build_model(model_name, shape, args, num_classes=None):
    """The model `keras-gen train MODEL` trains on data of `shape`."""
    from keras_gen.models.gan import DCGAN
    from keras_gen.models.gan import GAN
    from keras_gen.models.gan import ConditionalGAN

    options = dict(loss=args.loss, discriminator_steps=args.discriminator_steps,
                   label_smoothing=args.label_smoothing, instance_noise=args.instance_noise,
                   seed=args.seed)
    if model_name == "gan":
        generator, discriminator = _mlp_networks(shape, args.latent_dim)
        return GAN(generator, discriminator, args.latent_dim, **options)
    if model_name == "dcgan":
        return DCGAN(shape, args.latent_dim, args.base_filters, **options)
    if not num_classes:
        raise ValueError(
            f"Expected labelled data for a conditional GAN. Received: data={args.data!r} "
            "without labels"
        )
    return ConditionalGAN.dcgan(shape, num_classes, args.latent_dim, args.base_filters, **options)


def _load(name, split, limit, seed):
    from keras_gen.data import load_dataset

    return load_dataset(name, split=split, scale="signed", limit=limit, seed=seed)


def train(args, run_dir):
    """Trains the GAN on `args.data` scaled to [-1, 1]; saves the model and grids."""
    from keras_gen.callbacks.divergence_guard import DivergenceGuard
    from keras_gen.callbacks.generator_ema import GeneratorEMA
    from keras_gen.callbacks.sample_grid import SampleGrid

    x, y = _load(args.data, "train", args.limit, args.seed)
    num_classes = int(y.max()) + 1 if y is not None and y.ndim == 1 else None
    model = build_model(args.model, tuple(x.shape[1:]), args, num_classes)
    steps = args.steps_per_execution or (1 if keras.backend.backend() == "torch" else 10)
    model.compile(
        generator_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=args.beta_1),
        discriminator_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=args.beta_1),
        steps_per_execution=steps,
    )
    grid = SampleGrid(os.path.join(run_dir, runs.PROGRESS_FOLDER), every=args.picture_every,
                      seed=args.seed, scale=plots.picture_scale(x.shape[1:]))
    pictures = {"images": lambda _: grid.generate(), "value_range": model.data_range or (-1, 1),
                "columns": getattr(model, "num_classes", None), "image_shape": x.shape[1:]}
    callbacks = [grid, *training.training_callbacks(args, run_dir, model, pictures)]
    guard = next(callback for callback in callbacks if isinstance(callback, DivergenceGuard))
    ema = GeneratorEMA(args.ema, update_every=steps, apply_on_train_end=True) if args.ema else None
    if ema:
        callbacks.append(ema)
    start = time.time()
    history = model.fit(x, y if args.model == "cgan" else None,
                        batch_size=args.batch_size or 64,
                        epochs=args.epochs or _DEFAULT_EPOCHS[args.model],
                        verbose=args.verbose, callbacks=callbacks)
    seconds = time.time() - start
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": tuple(x.shape[1:]), "value_range": [-1.0, 1.0]})
    _sample_png(model, os.path.join(run_dir, "samples.png"), 64, args.seed)
    metrics = {key: float(values[-1]) for key, values in history.history.items()}
    metrics.update(train_seconds=round(seconds, 2), epochs=len(history.history["d_loss"]),
                   samples=int(len(x)), diverged=guard.reason)
    return metrics


def _sample_png(model, path, count, seed, labels=None):
    if hasattr(model, "num_classes"):
        samples = model.sample(count, labels=labels, seed=seed)
        columns = model.num_classes if labels is None else None
    else:
        samples, columns = model.sample(count, seed=seed), None
    plots.save_grid(path, samples, columns=columns, value_range=model.data_range or (-1, 1))
    return path


def sample(args, run_dir, model):
    """Writes a grid of `--count` samples (`--options '{"labels": [...]}'` for cgan)."""
    labels = arguments.check_options(args.options, SAMPLE_OPTIONS)["labels"]
    path = runs.output_path(args, run_dir, f"samples-seed{args.seed}.png")
    _sample_png(model, path, args.count or 64, args.seed, labels)
    print(f"samples: {path}")
    return path


def interpolate(args, run_dir, model):
    """Writes a latent walk as a strip PNG and a GIF.

    `--options '{"steps": 10, "method": "slerp", "label": 3}'`.
    """
    from keras_gen.latent import interpolate as latent_path
    from keras_gen.latent import save_interpolation_gif
    from keras_gen.latent import save_interpolation_strip

    options = arguments.check_options(args.options, INTERPOLATE_OPTIONS)
    strip = runs.output_path(args, run_dir, f"interpolation-seed{args.seed}.png")
    gif = os.path.splitext(strip)[0] + ".gif"
    runs.check_replaceable(args, run_dir, gif)
    rng = np.random.default_rng(args.seed)
    z0, z1 = rng.standard_normal((2, model.latent_dim))
    path = latent_path(z0, z1, options["steps"], options["method"])
    if hasattr(model, "num_classes"):
        frames = model.generate(path, np.full(len(path), options["label"]))
    else:
        frames = model.generate(path)
    value_range = model.data_range or (-1, 1)
    scale = plots.picture_scale(frames.shape[1:])
    save_interpolation_strip(strip, frames, value_range=value_range, scale=scale)
    save_interpolation_gif(gif, frames, value_range=value_range, scale=2 * scale)
    print(f"interpolation: {strip} and {gif}")
    return strip


def evaluate(args, run_dir, model):
    """With `--fid`: FID, KID and precision/recall of samples against the test
    images, on the features of `--feature-model` (any image shape).
    `--options '{"fid_samples": 2000}'` sets the number of images compared."""
    if not args.fid:
        raise ValueError("Expected --fid for `keras-gen evaluate` of a GAN (its only test "
                         "metric). Received: no --fid")
    count = arguments.check_options(args.options, EVALUATE_OPTIONS)["fid_samples"]
    shape = tuple(model.sample_shape)
    if len(shape) < 2:
        raise quality.no_images(args, run_dir, f"makes vectors of shape {shape}, not images")
    real, labels = quality.real_test_images(args, run_dir, count, shape)
    if hasattr(model, "num_classes"):
        generated = model.sample(len(real), labels=labels, seed=args.seed)
    else:
        generated = model.sample(len(real), seed=args.seed)
    low, high = model.data_range or (-1.0, 1.0)
    generated = (np.asarray(generated, "float32") - low) / (high - low)
    return quality.fid_metrics(args, run_dir, real, generated.reshape(real.shape))
