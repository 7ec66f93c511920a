"""`keras-gen train vae`, `sample`, `interpolate` and `evaluate` (IWAE NLL) for VAEs."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import plots
from keras_gen.cli import runs
from keras_gen.cli import training

INTERPOLATE_OPTIONS = {"steps": 10}
EVALUATE_OPTIONS = {"num_samples": 1000}


def _observation_scale(text):
    return text if text == "learned" else arguments.positive_float(text)


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train vae`."""
    arguments.add_network_arguments(parser)
    parser.set_defaults(hidden_units=(512, 256))
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


def _test_metrics(model, x_test, num_samples, seed=0):
    from keras_gen.metrics.iwae import iwae_nll

    if model.likelihood == "bernoulli":
        x_test = _binary_test_set(x_test, seed)
    negative_elbo = model.evaluate(x_test, batch_size=256, verbose=0, return_dict=True)["loss"]
    return {
        "test_negative_elbo": float(negative_elbo),
        "test_nll_iwae": iwae_nll(model, x_test, num_samples=num_samples, seed=seed),
        "iwae_samples": num_samples,
    }


def _pictures(model, run_dir, x, y, image_shape, seed=0):

    from keras_gen.utils.plots import plot_latent_manifold
    from keras_gen.utils.plots import plot_latent_scatter
    from keras_gen.utils.plots import plot_reconstructions

    value_range = (float(x.min()), float(x.max()))
    plots.save_grid(os.path.join(run_dir, "samples.png"),
                    model.sample(64, seed=seed),
                    image_shape=image_shape, value_range=value_range)
    plot_reconstructions(os.path.join(run_dir, "reconstructions.png"), x[:20],
                         model.reconstruct(x[:20]), columns=10, image_shape=image_shape,
                         value_range=value_range)
    if y is not None:
        plot_latent_scatter(os.path.join(run_dir, "latent_scatter.png"),
                            model.encode(x[:2000]), y[:2000], title="VAE posterior means")
    if model.latent_dim == 2:
        plot_latent_manifold(os.path.join(run_dir, "latent_manifold.png"), model.decode,
                             image_shape=image_shape, value_range=value_range)


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
    metrics.update(_test_metrics(model, x_test, args.iwae_samples, seed=args.seed))
    return metrics


def _run_data(args, run_dir):
    record = runs.read_run(run_dir)
    data = args.data or record["args"]["data"]
    return runs.load_split(data, "test", flatten=record["args"].get("architecture", "dense") == "dense")


def sample(args, run_dir, model):
    """Writes a grid of `--count` prior samples (`--output`, default RUN/samples.png)."""

    path = args.output or os.path.join(run_dir, "samples.png")
    images = model.sample(args.count, seed=args.seed)
    plots.save_grid(path, images, image_shape=runs.image_shape(run_dir),
                    value_range=(float(images.min()), float(images.max()))
                    if model.likelihood == "gaussian" else (0.0, 1.0))
    print(f"samples: {path}")
    return path


def interpolate(args, run_dir, model):
    """Decodes straight lines between pairs of test images (`--options '{"steps": 10}'`)."""
    import keras

    steps = arguments.check_options(args.options, INTERPOLATE_OPTIONS)["steps"]
    x, _, _ = _run_data(args, run_dir)
    rows = max(1, min(args.count, len(x) // 2))
    order = np.random.default_rng(args.seed).permutation(len(x))[: 2 * rows]
    path_images = keras.ops.convert_to_numpy(model.interpolate(x[order[:rows]], x[order[rows:]], steps))
    path = args.output or os.path.join(run_dir, "interpolation.png")
    plots.save_grid(path, path_images.reshape((-1,) + path_images.shape[2:]), columns=steps,
                    image_shape=runs.image_shape(run_dir))
    print(f"interpolation: {path}")
    return path


def evaluate(args, run_dir, model):
    """Test negative ELBO and IWAE NLL (`--options '{"num_samples": 1000}'`), plus pictures."""
    options = arguments.check_options(args.options, EVALUATE_OPTIONS)
    x, y, image_shape = _run_data(args, run_dir)
    _pictures(model, run_dir, x, y, runs.image_shape(run_dir, image_shape), seed=args.seed)
    return _test_metrics(model, x, int(options["num_samples"]), seed=args.seed)
