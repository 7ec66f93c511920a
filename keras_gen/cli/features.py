"""What DBN and DBM runs share: supervised fine-tuning and feature quality (clustering, retrieval)."""

import os

import numpy as np

from keras_gen.cli import arguments
from keras_gen.cli import quality
from keras_gen.cli import runs
from keras_gen.utils import atomic_path

# Gibbs sweeps of the samples TensorBoard shows during training (cheaper than 1000).
PROGRESS_GIBBS_STEPS = 200


def add_fine_tuning_arguments(parser):
    """Options of the supervised fine-tuning that follows pretraining (shared with DBM)."""
    parser.add_argument("--fine-tune-epochs", type=arguments.non_negative_int, default=0,
                        help="backprop epochs of a classifier initialised from the model (needs labels)")
    parser.add_argument("--fine-tune-learning-rate", type=arguments.positive_float, default=1e-3,
                        help="Adam learning rate of the fine-tuning")


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


def unstandardize(run_dir, x):
    """Gaussian visible units: back from standardized values to pixels, clipped to [0, 1]."""
    path = os.path.join(run_dir, "standardization.npz")
    if not os.path.isfile(path):
        return x
    with np.load(path) as stored:
        return np.clip(x * stored["std"] + stored["mean"], 0.0, 1.0).astype("float32")


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
    with atomic_path(path, suffix=".keras") as tmp:
        classifier.save(tmp)
    return {"fine_tune_epochs": args.fine_tune_epochs, **classifier_error(model, classifier, x_test, y_test)}


def classifier_error(model, classifier, x_test, y_test):
    inputs = model.classifier_inputs(x_test) if hasattr(model, "classifier_inputs") else x_test
    predictions = classifier.predict(inputs, batch_size=1000, verbose=0).argmax(axis=-1)
    return {"test_error": float(np.mean(predictions != y_test))}


def likelihood_bound(model, x, x_test, options, seed):
    """The variational lower bound on test log-likelihood (AIS log Z), with its spread.

    For a DBM (`keras_gen.models.dbm.ais`) or a Bernoulli DBN of two or more
    layers (`keras_gen.models.dbn.likelihood_bound`) on binary data, when
    `options["ais"]`; otherwise `{}`. The spread: `test_bound_low` /
    `test_bound_high` from log Z's mean -/+ 3 standard errors; AIS runs over
    each side of the top RBM (or of the DBM) and keeps the larger log Z
    (`test_bound_log_z_by_side`); `test_bound_valid` is false when log Z is
    below a test state's p*, so the figure is no bound.
    """
    if not options.get("ais") or not np.isin(x_test, (0.0, 1.0)).all():
        return {}
    settings = dict(num_runs=options["ais_runs"], betas=options["ais_betas"], seed=seed)
    if hasattr(model, "kernel_2"):
        from keras_gen.models.dbm.ais import ais_lower_bound

        result = ais_lower_bound(model, x_test, data=x, **settings)
    elif len(model.rbms) > 1 and all(rbm.visible_type == "bernoulli" for rbm in model.rbms):
        from keras_gen.models.dbn.likelihood_bound import ais_lower_bound

        result = ais_lower_bound(model, x_test, data=x, num_samples=options["bound_samples"], **settings)
    else:
        return {}
    return {"test_bound": result["lower_bound"], "test_bound_low": result["lower_bound_low"],
            "test_bound_high": result["lower_bound_high"], "test_bound_log_z": result["log_z"],
            "test_bound_log_weights_std": result["log_weights_std"],
            "test_bound_effective_sample_size": result["effective_sample_size"],
            "test_bound_ais_runs": result["num_runs"], "test_bound_ais_betas": result["num_betas"],
            "test_bound_ais_side": result["side"], "test_bound_log_z_by_side": result["log_z_by_side"],
            "test_bound_valid": result["valid"]}


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


def draw(model, count, gibbs_steps, seed, label=None, start="auto"):
    """`model.sample(...)`; a model with label units and no `label` shows every class in turn (DBN, DBM)."""
    if label is None and model.num_classes:
        label = np.arange(count) % model.num_classes
    return model.sample(count, seed=seed, gibbs_steps=gibbs_steps, label=label, start=start)


def evaluate_run(args, run_dir, model, defaults, draw):
    """Shared by DBN and DBM: clustering, retrieval, the AIS lower bound, (if fine-tuned)
    test error, `--fid`.

    `defaults`: the family's `--options` defaults (`limit` caps the training
    rows). `draw(count, gibbs_steps, seed)` returns samples in the model's units.
    """
    import keras

    record = runs.read_run(run_dir)
    data = args.data or record["args"]["data"]
    options = arguments.check_options(args.options, defaults)
    scale = runs.read_data_record(run_dir).get("scale", "unit")
    x, y, _ = runs.load_split(data, "train", scale=scale, limit=options["limit"], seed=args.seed)
    x_test, y_test, _ = runs.load_split(data, "test", scale=scale, seed=args.seed)
    x, x_test = standardize(run_dir, x), standardize(run_dir, x_test)
    if y is None:
        raise ValueError(f"Expected labelled data for `evaluate`. Received: data={data!r} without labels")
    metrics = feature_metrics(model.transform(x), model.transform(x_test), x, x_test, y, y_test)
    metrics.update(likelihood_bound(model, x, x_test, options, args.seed))
    classifier_path = os.path.join(run_dir, "classifier.keras")
    if os.path.isfile(classifier_path):
        metrics.update(classifier_error(model, keras.models.load_model(classifier_path), x_test, y_test))
    if args.fid:
        shape = quality.run_image_shape(args, run_dir)
        real, _ = quality.real_test_images(args, run_dir, options["fid_samples"], shape)
        generated = unstandardize(run_dir, draw(len(real), options["gibbs_steps"], args.seed))
        metrics.update(quality.fid_metrics(args, run_dir, real, generated.reshape(real.shape)))
    return metrics


