"""`keras-gen train dbn`, `sample` and `evaluate` (fine-tuned error, k-means NMI, retrieval mAP)."""

import os

import numpy as np

from keras_gen.cli import parse_options
from keras_gen.models.autoencoders.commands import load_split
from keras_gen.models.autoencoders.commands import read_data_info
from keras_gen.models.autoencoders.commands import save_model
from keras_gen.models.autoencoders.commands import write_data_info
from keras_gen.utils import atomic_path


def _ints(text):
    return tuple(int(part) for part in str(text).split(",") if part.strip())


def add_train_arguments(parser, model_name):
    """Adds the options of `keras-gen train dbn`."""
    parser.add_argument("--hidden-units", type=_ints, default=(256, 64),
                        help="hidden sizes bottom to top, e.g. 500,500,2000 (the top size is the code length)")
    parser.add_argument("--visible-type", choices=("bernoulli", "gaussian"), default="bernoulli",
                        help="gaussian standardizes the data with the training set's statistics")
    parser.add_argument("--cd-steps", type=int, default=1)
    parser.add_argument("--persistent", action="store_true", help="train each layer with PCD")
    parser.add_argument("--propagate", choices=("probabilities", "samples"), default="probabilities")
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.5)
    parser.add_argument("--limit", type=int, default=None, help="train on at most this many samples")
    add_fine_tuning_arguments(parser)


def add_fine_tuning_arguments(parser):
    """Options of the supervised fine-tuning that follows pretraining (shared with DBM)."""
    parser.add_argument("--fine-tune-epochs", type=int, default=0,
                        help="backprop epochs of a classifier initialised from the model (needs labels)")
    parser.add_argument("--fine-tune-learning-rate", type=float, default=1e-3)


def standardize(run_dir, x, fit=False):
    """Gaussian visible units: standardizes `x` with the statistics saved in the run."""
    path = os.path.join(run_dir, "standardization.npz")
    if fit:
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-3
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, mean=mean, std=std)
    if not os.path.isfile(path):
        return x
    with np.load(path) as stored:
        return ((x - stored["mean"]) / stored["std"]).astype("float32")


def fine_tune(model, args, run_dir, x, y, x_test, y_test):
    """Fine-tunes `model.to_classifier` with Adam; saves `classifier.keras`; returns metrics."""
    import keras

    classifier = model.to_classifier(int(max(y.max(), y_test.max())) + 1)
    classifier.compile(optimizer=keras.optimizers.Adam(args.fine_tune_learning_rate),
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    inputs = model.classifier_inputs(x) if hasattr(model, "classifier_inputs") else x
    classifier.fit(inputs, y, batch_size=args.batch_size or 100, epochs=args.fine_tune_epochs,
                   verbose=args.verbose, shuffle=True)
    path = os.path.join(run_dir, "classifier.keras")
    with atomic_path(path) as tmp:
        classifier.save(tmp)
    return {"fine_tune_epochs": args.fine_tune_epochs, **classifier_error(model, classifier, x_test, y_test)}


def classifier_error(model, classifier, x_test, y_test):
    inputs = model.classifier_inputs(x_test) if hasattr(model, "classifier_inputs") else x_test
    predictions = classifier.predict(inputs, batch_size=1000, verbose=0).argmax(axis=-1)
    return {"test_error": float(np.mean(predictions != y_test))}


def feature_metrics(features_train, features_test, x_train, x_test, y_train, y_test, codes=True):
    """k-means NMI of features vs PCA of the same dimension; retrieval mAP vs sign-of-PCA codes."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import normalized_mutual_info_score

    from keras_gen.retrieval import mean_average_precision

    dimension = features_test.shape[1]
    pca = PCA(min(dimension, x_train.shape[1]), random_state=0).fit(x_train)
    classes = len(np.unique(y_test))

    def nmi(features):
        clusters = KMeans(classes, n_init=10, random_state=0).fit_predict(features)
        return float(normalized_mutual_info_score(y_test, clusters))

    metrics = {"feature_dimension": dimension, "nmi": nmi(features_test), "nmi_pca": nmi(pca.transform(x_test))}
    if codes:
        database, queries = (features_train > 0.5).astype("uint8"), (features_test > 0.5).astype("uint8")
        metrics["retrieval_map"] = mean_average_precision(queries, database, y_test, y_train)
        signs = [(pca.transform(part) > 0).astype("uint8") for part in (x_train, x_test)]
        metrics["retrieval_map_sign_pca"] = mean_average_precision(signs[1], signs[0], y_test, y_train)
    return metrics


def train(args, run_dir):
    """Pretrains a DBN greedily on `args.data`; optional fine-tuning; saves pictures and metrics."""
    import keras

    from keras_gen.models.dbn import DBN

    x, y, image_shape = load_split(args.data, "train", "dense", args.limit, args.seed)
    x_test, y_test, _ = load_split(args.data, "test", "dense")
    if args.visible_type == "gaussian":
        x = standardize(run_dir, x, fit=True)
        x_test = standardize(run_dir, x_test)
    model = DBN(list(args.hidden_units), visible_type=args.visible_type, cd_steps=args.cd_steps,
                persistent=args.persistent, propagate=args.propagate, seed=args.seed)
    learning_rate = args.learning_rate if args.visible_type == "bernoulli" else args.learning_rate / 10
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=args.momentum))
    history = model.fit(x, batch_size=args.batch_size or 100, epochs=args.epochs or 10, verbose=args.verbose)
    save_model(model, run_dir)
    write_data_info(run_dir, image_shape)
    _samples_png(model, os.path.join(run_dir, "samples.png"), image_shape, 64, seed=args.seed)
    metrics = {key: float(values[-1]) for key, values in history.history.items()}
    if args.fine_tune_epochs and y is not None:
        metrics.update(fine_tune(model, args, run_dir, x, y, x_test, y_test))
    return metrics


def _samples_png(model, path, image_shape, count, seed, gibbs_steps=1000):
    from keras_gen.utils import save_image_grid

    images = model.sample(count, seed=seed, gibbs_steps=gibbs_steps)
    value_range = (float(images.min()), float(images.max())) if model.visible_type == "gaussian" else (0.0, 1.0)
    save_image_grid(path, images, image_shape=image_shape, value_range=value_range, scale=2)
    return path


def sample(args, run_dir, model):
    """Writes a grid of `--count` samples (`--options '{"gibbs_steps": 1000}'`)."""
    path = args.output or os.path.join(run_dir, "samples.png")
    steps = int(parse_options(args).get("gibbs_steps", 1000))
    _samples_png(model, path, read_data_info(run_dir), args.count, args.seed, steps)
    print(f"samples: {path}")
    return path


def evaluate_run(args, run_dir, model):
    """Shared by DBN and DBM: clustering, retrieval and (if fine-tuned) test error."""
    import keras

    from keras_gen.cli import read_run

    record = read_run(run_dir)
    data = args.data or record["args"]["data"]
    limit = int(parse_options(args).get("limit", 0)) or None
    x, y, _ = load_split(data, "train", "dense", limit, args.seed)
    x_test, y_test, _ = load_split(data, "test", "dense")
    x, x_test = standardize(run_dir, x), standardize(run_dir, x_test)
    if y is None:
        raise ValueError(f"Expected labelled data for `evaluate`. Received: data={data!r} without labels")
    metrics = feature_metrics(model.transform(x), model.transform(x_test), x, x_test, y, y_test)
    classifier_path = os.path.join(run_dir, "classifier.keras")
    if os.path.isfile(classifier_path):
        metrics.update(classifier_error(model, keras.models.load_model(classifier_path), x_test, y_test))
    return metrics


def evaluate(args, run_dir, model):
    """k-means NMI of the top features vs PCA, retrieval mAP of the binary codes vs
    sign-of-PCA (database = train, queries = test), fine-tuned test error."""
    return evaluate_run(args, run_dir, model)
