"""`keras-gen train gan|dcgan|cgan`, `sample`, `interpolate` and `evaluate --fid`."""

import os
import time

import keras
import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import plots
from keras_gen.cli import runs
from keras_gen.cli import training

_DEFAULT_EPOCHS = {"gan": 20, "dcgan": 5, "cgan": 5}
SAMPLE_OPTIONS = {"labels": None}
INTERPOLATE_OPTIONS = {"steps": 10, "method": "slerp", "label": 0}
EVALUATE_OPTIONS = {"samples": 2000}


def add_train_arguments(parser, model_name):
    """Adds the GAN options to `keras-gen train gan|dcgan|cgan`."""
    from keras_gen.losses.adversarial import ADVERSARIAL_LOSSES

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
    callbacks = [SampleGrid(os.path.join(run_dir, "samples")),
                 *training.training_callbacks(args, run_dir, model)]
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
    path = args.output or os.path.join(run_dir, "samples.png")
    labels = arguments.check_options(args.options, SAMPLE_OPTIONS)["labels"]
    _sample_png(model, path, args.count, args.seed, labels)
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
    rng = np.random.default_rng(args.seed)
    z0, z1 = rng.standard_normal((2, model.latent_dim))
    path = latent_path(z0, z1, options["steps"], options["method"])
    if hasattr(model, "num_classes"):
        frames = model.generate(path, np.full(len(path), options["label"]))
    else:
        frames = model.generate(path)
    strip = args.output or os.path.join(run_dir, "interpolation.png")
    value_range = model.data_range or (-1, 1)
    save_interpolation_strip(strip, frames, value_range=value_range)
    gif = os.path.splitext(strip)[0] + ".gif"
    save_interpolation_gif(gif, frames, value_range=value_range)
    print(f"interpolation: {strip} and {gif}")
    return strip


def evaluate(args, run_dir, model):
    """With `--fid`: FID, KID and precision/recall of samples against the
    test split on the shipped classifier's features (28×28 grey data only).
    `--options '{"samples": 2000}'` sets the number of images compared."""
    from keras_gen.metrics.frechet_distance import frechet_distance
    from keras_gen.metrics.feature_extractor import extract_features
    from keras_gen.metrics.kernel_inception_distance import kernel_distance
    from keras_gen.metrics.precision_recall import precision_recall

    if not args.fid:
        raise ValueError("Expected --fid for `keras-gen evaluate` of a GAN. Received: no --fid")
    data = args.data or runs.read_run(run_dir)["args"]["data"]
    if tuple(model.sample_shape) != (28, 28, 1):
        raise ValueError(
            "Expected 28x28 greyscale samples for the shipped feature classifier. "
            f"Received: a model of sample shape {model.sample_shape}"
        )
    count = arguments.check_options(args.options, EVALUATE_OPTIONS)["samples"]
    try:
        real, labels = _load(data, "test", count, args.seed)
    except ValueError:
        real, labels = _load(data, "train", count, args.seed)
    domain = "fashion_mnist" if "fashion" in str(data).lower() else "mnist"
    if hasattr(model, "num_classes"):
        generated = model.sample(len(real), labels=labels, seed=args.seed)
    else:
        generated = model.sample(len(real), seed=args.seed)
    real_f = extract_features(domain, real, value_range=(-1, 1))
    fake_f = extract_features(domain, generated, value_range=(-1, 1))
    kid, kid_std = kernel_distance(real_f, fake_f, subset_size=min(1000, len(real)))
    scores = precision_recall(real_f, fake_f)
    return {"fid": frechet_distance(real_f, fake_f), "kid": kid, "kid_std": kid_std,
            "precision": scores["precision"], "recall": scores["recall"],
            "fid_samples": len(real), "fid_features": f"keras_gen {domain} classifier"}
