"""`keras-gen train rbm|crbm`, `sample` and `evaluate` for the RBM family."""

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

SAMPLE_OPTIONS = options.defaults("sample", "rbm")
EVALUATE_OPTIONS = options.defaults("evaluate", "rbm")
# Gibbs sweeps of the samples TensorBoard shows during training (cheaper than 1000).
PROGRESS_GIBBS_STEPS = 200


def add_train_arguments(parser, model_name):
    """Adds the RBM options to `keras-gen train rbm|crbm`."""
    parser.set_defaults(epochs=10)
    parser.add_argument("--hidden-units", type=arguments.positive_int, default=100,
                        help="binary hidden units")
    parser.add_argument("--cd-steps", type=arguments.positive_int, default=1, help="Gibbs sweeps k of CD-k")
    parser.add_argument("--persistent", action="store_true", help="persistent chains (PCD)")
    parser.add_argument("--persistent-chains", type=arguments.positive_int, default=100,
                        help="number of persistent chains (with --persistent)")
    training.add_generative_arguments(parser)
    parser.add_argument("--weight-decay", type=arguments.non_negative_float, default=0.0,
                        help="weight decay of the kernels, times the learning rate each step (Hinton 2010: 2e-4)")
    parser.add_argument("--scale", default="unit", choices=("unit", "binary", "stochastic_binary"),
                        help="unit: grey values in [0, 1] as probabilities; binary: threshold 0.5")
    parser.add_argument("--steps-per-execution", type=arguments.positive_int, default=64,
                        help="train steps per compiled call (1 on torch)")
    parser.add_argument("--limit", type=arguments.positive_int, default=None,
                        help="use at most this many samples")
    if model_name == "rbm":
        parser.add_argument("--visible-type", default="bernoulli", choices=("bernoulli", "gaussian"),
                            help="gaussian: data are standardized per feature")
    else:
        parser.add_argument("--discriminative-weight", type=arguments.non_negative_float, default=0.0,
                            help="weight of -log p(y|x) in the loss (hybrid training)")


def _load(name, split, scale, limit, seed):
    from keras_gen.data import load_dataset

    x, y = load_dataset(name, split=split, scale=scale, limit=limit, seed=seed)
    image_shape = list(x.shape[1:3]) if x.shape[-1] == 1 else list(x.shape[1:])
    return x.reshape(len(x), -1), y, image_shape


def _load_test(name, scale, seed):
    try:
        return _load(name, "test", scale, None, seed)[:2]
    except ValueError:  # data without a test split
        return None, None


def _standardize(x, stats):
    return (x - np.asarray(stats["mean"], "float32")) / np.asarray(stats["std"], "float32")


def _feature_classifier_accuracy(model, x, y, x_test, y_test, seed):
    from sklearn.linear_model import LogisticRegression

    if len(x) > 10000:
        keep = np.random.default_rng(seed).choice(len(x), 10000, replace=False)
        x, y = x[keep], y[keep]
    classifier = LogisticRegression(C=6000.0, max_iter=2000)
    classifier.fit(model.transform(x), y)
    return float(classifier.score(model.transform(x_test), y_test))


def train(args, run_dir):
    """Trains an RBM or ClassificationRBM on `args.data`; writes model.keras, PNGs, data.json."""
    from keras_gen.models.rbm import RBM
    from keras_gen.models.rbm import ClassificationRBM

    gaussian = args.model == "rbm" and args.visible_type == "gaussian"
    x, y, image_shape = _load(args.data, "train", args.scale, args.limit, args.seed)
    x_test, y_test = _load_test(args.data, args.scale, args.seed)
    record = {"data": args.data, "scale": args.scale, "image_shape": image_shape}
    if gaussian:
        record["standardize"] = {"mean": x.mean(0).tolist(), "std": (x.std(0) + 1e-3).tolist()}
        x = _standardize(x, record["standardize"])
        x_test = None if x_test is None else _standardize(x_test, record["standardize"])
    common = dict(hidden_units=args.hidden_units, cd_steps=args.cd_steps, persistent=args.persistent,
                  persistent_chains=args.persistent_chains, seed=args.seed)
    if args.model == "crbm":
        if y is None:
            raise ValueError(f"Expected labelled data for crbm. Received: data={args.data!r} without labels")
        model = ClassificationRBM(num_classes=int(y.max()) + 1,
                                  discriminative_weight=args.discriminative_weight, **common)
    else:
        model = RBM(visible_type=args.visible_type, **common)
    model.build((None, x.shape[1]))  # built now: backed up from the first epoch (--resume)
    if args.visible_bias_init == "data" and model.visible_type == "bernoulli":
        from keras_gen.models.rbm.generative_training import initialize_visible_bias

        initialize_visible_bias(model, (x, y) if args.model == "crbm" else x)
    torch = keras.backend.backend() == "torch"
    batch_size = args.batch_size or (10 if len(x) < 5000 else 100)
    epochs = args.epochs or 10
    model.compile(
        optimizer=training.generative_optimizer(args, epochs * int(np.ceil(len(x) / batch_size)),
                                                weight_decay=args.weight_decay),
        steps_per_execution=1 if torch else args.steps_per_execution,
    )  # jit_compile "auto": XLA on JAX; TensorFlow's graph mode beat its XLA on CPU
    pictures = {"images": lambda _: _samples(model, record, 64, PROGRESS_GIBBS_STEPS, args.seed),
                "image_shape": image_shape}
    started = time.perf_counter()
    history = model.fit(x, y if args.model == "crbm" else None, batch_size=batch_size,
                        epochs=epochs, verbose=args.verbose,
                        callbacks=training.training_callbacks(args, run_dir, model, pictures))
    metrics = {"train_seconds": time.perf_counter() - started, "epochs": epochs,
               "batch_size": batch_size}
    metrics.update({f"train_{k}": float(v[-1]) for k, v in history.history.items()})

    runs.save_model(model, run_dir)
    runs.write_data_record(run_dir, record)
    model.filters_image(os.path.join(run_dir, "filters.png"), image_shape=image_shape,
                        scale=plots.picture_scale(image_shape))
    _save_samples(model, record, os.path.join(run_dir, "samples.png"), 64, 1000, args.seed)
    if x_test is not None:
        metrics["test_reconstruction_error"] = float(np.mean((model.reconstruct(x_test) - x_test) ** 2))
        if args.model == "crbm":
            metrics["test_accuracy"] = float(np.mean(model.predict(x_test) == y_test))
        else:
            if not gaussian:
                from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood

                metrics["test_pseudo_likelihood"] = float(pseudo_log_likelihood(model, x_test, seed=args.seed).mean())
            if y is not None and y_test is not None:
                metrics["test_feature_classifier_accuracy"] = _feature_classifier_accuracy(
                    model, x, y, x_test, y_test, args.seed
                )
    return metrics


def _samples(model, record, count, gibbs_steps, seed, labels=None, start="auto"):
    """`count` samples as images in [0, 1] (Gaussian units: back to pixels, clipped)."""
    if labels is not None:
        samples = model.sample(count, seed=seed, gibbs_steps=gibbs_steps, labels=labels, start=start)
    else:
        samples = model.sample(count, seed=seed, gibbs_steps=gibbs_steps, start=start)[:, : model.data_units]
    if "standardize" in record:
        stats = record["standardize"]
        samples = np.clip(samples * np.asarray(stats["std"]) + np.asarray(stats["mean"]), 0.0, 1.0)
    return np.asarray(samples, "float32").reshape((count,) + tuple(record["image_shape"]))


def _save_samples(model, record, path, count, gibbs_steps, seed, labels=None, start="auto"):
    samples = _samples(model, record, count, gibbs_steps, seed, labels, start)
    return plots.save_grid(path, samples, image_shape=record["image_shape"], value_range=(0.0, 1.0))


def sample(args, run_dir, model):
    """Writes a PNG grid of `--count` samples; `--options '{"gibbs_steps": N, "labels": [...], "start": "auto"}'`."""
    options = arguments.check_options(args.options, SAMPLE_OPTIONS)
    record = runs.read_data_record(run_dir)
    labels = options["labels"]
    count = args.count or 64
    if labels is not None and not hasattr(model, "num_classes"):
        raise ValueError("Expected `labels` only for a crbm run. Received: labels for an rbm run")
    if isinstance(labels, int):
        labels = [labels] * count
    path = runs.output_path(args, run_dir, f"samples-seed{args.seed}.png")
    _save_samples(model, record, path, count, options["gibbs_steps"], args.seed, labels, options["start"])
    print(f"samples: {path}")
    return path


def evaluate(args, run_dir, model):
    """Test metrics: reconstruction error, pseudo-likelihood, AIS log-likelihood, accuracy.

    The AIS log-likelihood comes with its spread: `test_ais_log_likelihood_lower`
    / `_upper` (from log Z's mean -/+ 3 standard errors of the importance
    weights), the runs' `test_ais_log_weights_std` and effective sample size.
    `--options` JSON keys: `ais` (bool, default true for Bernoulli RBMs),
    `ais_runs` (100), `ais_betas` (14500), `split` ("test"); with `--fid`,
    FID/KID of `fid_samples` samples of `gibbs_steps` sweeps against test images.
    """
    from keras_gen.models.rbm.ais import ais_log_likelihood
    from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood

    options = arguments.check_options(args.options, EVALUATE_OPTIONS)
    record = runs.read_data_record(run_dir)
    data = args.data or record["data"]
    x, y, _ = _load(data, options["split"], record["scale"], None, args.seed)
    if "standardize" in record:
        x = _standardize(x, record["standardize"])
    results = {"test_reconstruction_error": float(np.mean((model.reconstruct(x) - x) ** 2))}
    if args.fid:
        results.update(_fid(args, run_dir, model, record, options))
    if hasattr(model, "num_classes"):
        results["test_accuracy"] = float(np.mean(model.predict(x) == y))
        return results
    if model.visible_type == "bernoulli":
        results["test_pseudo_likelihood"] = float(pseudo_log_likelihood(model, x, seed=args.seed).mean())
        if options["ais"]:
            train_x = _load(data, "train", record["scale"], None, args.seed)[0]
            ais = ais_log_likelihood(model, x, data=train_x, num_runs=options["ais_runs"],
                                     betas=options["ais_betas"], seed=args.seed,
                                     verbose=args.verbose)
            results.update({f"test_ais_{key}": value for key, value in ais.items()})
    return results


def _fid(args, run_dir, model, record, options):
    shape = quality.run_image_shape(args, run_dir)
    # Compare with the data as the model saw it (thresholded for scale="binary");
    # Gaussian units model standardized grey values, mapped back to pixels.
    scale = "unit" if "standardize" in record else record.get("scale", "unit")
    real, labels = quality.real_test_images(args, run_dir, options["fid_samples"], shape, scale)
    generated = _samples(model, record, len(real), options["gibbs_steps"], args.seed,
                         labels if hasattr(model, "num_classes") else None)
    return quality.fid_metrics(args, run_dir, real, generated.reshape(real.shape))
