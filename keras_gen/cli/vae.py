"""`keras-gen train vae`, `sample`, `interpolate` and `evaluate` (IWAE NLL) for VAEs."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import options
from keras_gen.cli import plots
from keras_gen.cli import quality
from keras_gen.cli import runs
from keras_gen.cli import training

SAMPLE_OPTIONS = options.defaults("sample", "vae")
INTERPOLATE_OPTIONS = options.defaults("interpolate", "vae")
EVALUATE_OPTIONS = options.defaults("evaluate", "vae")


def _observation_scale(text):
    return text if text == "learned" else arguments.positive_float(text)


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train vae`."""
    arguments.add_network_arguments(parser)
    parser.set_defaults(hidden_units=(512, 256), epochs=20, batch_size=100)
    parser.add_argument("--latent-dim", type=arguments.positive_int, default=16, help="latent size")
    parser.add_argument("--likelihood", choices=("bernoulli", "gaussian", "continuous_bernoulli"),
                        default="bernoulli", help="decoder distribution p(x | z)")
    parser.add_argument("--beta", type=arguments.positive_float, default=1.0,
                        help="weight of the KL term (beta-VAE)")
    parser.add_argument("--observation-scale", type=_observation_scale, default=1.0,
                        help="Gaussian decoder standard deviation, or 'learned'")
    parser.add_argument("--no-binarize", dest="binarize", action="store_false",
                        help="Bernoulli decoder: train on data that is already 0/1 instead of "
                             "redrawing x ~ Bernoulli(pixel) every step")
    parser.add_argument("--distribution-backend", choices=("keras", "tfp"), default="keras",
                        help="keras: closed forms in keras.ops (every backend); tfp: TensorFlow "
                             "Probability (TensorFlow and JAX)")
    parser.add_argument("--iwae-samples", type=arguments.positive_int, default=100,
                        help="importance samples for the test NLL reported after training")


def _binary_test_set(x, seed=0):
    return (np.random.default_rng(seed).random(x.shape) < x).astype("float32")


def _test_metrics(model, x_test, num_samples, seed=0, verbose=0):
    """The run's test metrics, one definition for `train` and `evaluate`."""
    from keras_gen.metrics.iwae import iwae_nll

    if model.likelihood == "bernoulli":
        x_test = _binary_test_set(x_test, seed)
    negative_elbo = model.evaluate(x_test, batch_size=256, verbose=0, return_dict=True)["loss"]
    if verbose:
        print(f"IWAE bound: {num_samples} importance samples for each of {len(x_test)} test images")
    return {
        "test_negative_elbo": float(negative_elbo),
        "test_nll_iwae": iwae_nll(model, x_test, num_samples=num_samples, seed=seed,
                                  verbose=verbose),
        "iwae_samples": num_samples,
    }


def _value_range(model, images):
    if model.likelihood == "gaussian":
        return float(np.min(images)), float(np.max(images))
    return 0.0, 1.0


def _pictures(model, folder, x, y, image_shape, seed=0):
    from keras_gen.utils.plots import plot_latent_manifold
    from keras_gen.utils.plots import plot_latent_scatter
    from keras_gen.utils.plots import plot_reconstructions

    value_range = (float(x.min()), float(x.max()))
    plots.save_grid(os.path.join(folder, "samples.png"),
                    model.sample(64, seed=seed),
                    image_shape=image_shape, value_range=value_range)
    plot_reconstructions(os.path.join(folder, "reconstructions.png"), x[:20],
                         model.reconstruct(x[:20]), columns=10, image_shape=image_shape,
                         value_range=value_range, scale=plots.picture_scale(image_shape))
    if y is not None:
        plot_latent_scatter(os.path.join(folder, "latent_scatter.png"),
                            model.encode(x[:2000]), y[:2000], title="VAE posterior means")
    if model.latent_dim == 2:
        plot_latent_manifold(os.path.join(folder, "latent_manifold.png"), model.decode,
                             image_shape=image_shape, value_range=value_range,
                             scale=max(1, plots.picture_scale(image_shape) // 2))


def train(args, run_dir):
    """Trains a VAE on `args.data`; saves the model, pictures and test NLL."""
    import keras

    from keras_gen.models.vae import VAE

    epochs = args.epochs or 20
    batch_size = args.batch_size or 100
    scale = args.observation_scale
    dense = args.architecture == "dense"
    x, _, image_shape = runs.load_split(args.data, "train", dense, limit=args.limit, seed=args.seed)
    x_test, y_test, _ = runs.load_split(args.data, "test", dense)
    kwargs = {"likelihood": args.likelihood, "beta": args.beta, "observation_scale": scale,
              "binarize": args.likelihood == "bernoulli" and args.binarize,
              "distribution_backend": args.distribution_backend, "seed": args.seed}
    if args.architecture == "conv":
        model = VAE.conv(x.shape[1:], args.latent_dim, filters=args.filters, **kwargs)
    else:
        model = VAE.dense(x.shape[1:], args.latent_dim, hidden_units=args.hidden_units, **kwargs)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate))
    history = model.fit(x, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=args.verbose,
                        callbacks=training.training_callbacks(args, run_dir, model))
    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, {"image_shape": image_shape})
    _pictures(model, run_dir, x_test, y_test, image_shape, seed=args.seed)
    metrics = {"epochs": epochs, "train_loss": float(history.history["loss"][-1]),
               "train_kl": float(history.history["kl"][-1])}
    metrics.update(_test_metrics(model, x_test, args.iwae_samples, seed=args.seed,
                                 verbose=args.verbose))
    return metrics


def _samples(model, count, seed, image_shape):
    """`count` samples as images (N, H, W[, C]), clipped to [0, 1] for a Gaussian decoder."""
    import keras

    images = keras.ops.convert_to_numpy(model.sample(count, seed=seed))
    images = np.clip(images, 0.0, 1.0) if model.likelihood == "gaussian" else images
    return images.reshape((count,) + tuple(image_shape))


def _run_data(args, run_dir):
    record = runs.read_run(run_dir)
    data = args.data or record["args"]["data"]
    return runs.load_split(data, "test", flatten=record["args"].get("architecture", "dense") == "dense")


def sample(args, run_dir, model):
    """Writes a grid of `--count` prior samples (`--output`, default RUN/samples-seedN.png)."""

    arguments.check_options(args.options, SAMPLE_OPTIONS)
    path = runs.output_path(args, run_dir, f"samples-seed{args.seed}.png")
    images = model.sample(args.count or 64, seed=args.seed)
    plots.save_grid(path, images, image_shape=runs.image_shape(run_dir),
                    value_range=_value_range(model, images))
    print(f"samples: {path}")
    return path


def interpolate(args, run_dir, model):
    """Decodes straight lines between pairs of test images: a PNG (a walk per row) and a GIF.

    `--count` walks (default 8), `--options '{"steps": 10}'` frames each.
    """
    import keras

    from keras_gen.latent import save_interpolation_gif
    from keras_gen.utils.images import image_grid

    steps = arguments.check_options(args.options, INTERPOLATE_OPTIONS)["steps"]
    path = runs.output_path(args, run_dir, f"interpolation-seed{args.seed}.png")
    gif = os.path.splitext(path)[0] + ".gif"
    runs.check_replaceable(args, run_dir, gif)
    x, _, _ = _run_data(args, run_dir)
    shape = runs.image_shape(run_dir)
    rows = max(1, min(args.count or 8, len(x) // 2))
    order = np.random.default_rng(args.seed).permutation(len(x))[: 2 * rows]
    walks = keras.ops.convert_to_numpy(model.interpolate(x[order[:rows]], x[order[rows:]], steps))
    walks = walks.reshape((rows, steps) + tuple(shape))
    value_range = _value_range(model, walks)
    plots.save_grid(path, walks.reshape((-1,) + walks.shape[2:]), columns=steps,
                    value_range=value_range)
    # The GIF's frame t shows every walk at step t, side by side.
    frames = np.stack([image_grid(walks[:, t], columns=rows, value_range=value_range)
                       for t in range(steps)])
    save_interpolation_gif(gif, frames, value_range=(0, 255),
                           scale=max(1, plots.picture_scale(shape) // 2))
    print(f"interpolation: {path} and {gif}")
    return path


def evaluate(args, run_dir, model):
    """Test negative ELBO and IWAE NLL (`--options '{"iwae_samples": N}'`, default as
    trained), pictures in RUN/evaluation/, and with `--fid` FID/KID of samples."""
    options = arguments.check_options(args.options, EVALUATE_OPTIONS)
    x, y, image_shape = _run_data(args, run_dir)
    shape = runs.image_shape(run_dir, image_shape)
    folder = os.path.join(run_dir, runs.EVALUATION_FOLDER)
    os.makedirs(folder, exist_ok=True)
    _pictures(model, folder, x, y, shape, seed=args.seed)
    trained = runs.read_run(run_dir)["args"].get("iwae_samples", 100)
    samples = int(options["iwae_samples"] or trained)
    metrics = _test_metrics(model, x, samples, seed=args.seed, verbose=args.verbose)
    if args.fid:
        shape = quality.run_image_shape(args, run_dir)
        real, _ = quality.real_test_images(args, run_dir, options["fid_samples"], shape)
        metrics.update(quality.fid_metrics(args, run_dir, real,
                                           _samples(model, len(real), args.seed, shape)))
    return metrics
