"""What the Boltzmann-family benchmarks share: binarized MNIST, the generative
RBM recipe with a cache, and scoring samples with the shipped MNIST classifier.

- `binarized_mnist`: MNIST binarized stochastically once with NumPy seed 0
  (train, then test), as in `rbm_quality.py` and Salakhutdinov & Murray
  (2008), so every likelihood here is on the same test set.
- `train_rbm`: PCD, data log-odds visible biases, a linearly decaying
  learning rate and a moving average of the weights
  (`keras_gen.models.rbm.generative_training`); the trained model is saved
  under the cache folder and loaded from there on the next run.
- `score_samples`: FID against the test images on the shipped classifier's
  64 features, and the share of samples the classifier puts in each class.
"""

import json
import os
import time

import _common
import keras
import numpy as np

from keras_gen.utils import atomic_path

CACHE = os.path.join("/tmp", "keras_gen_boltzmann_mnist")


def binarized_mnist(limit=None):
    """(x_train, y_train, x_test, y_test): 0/1 float32 pixels, int64 labels."""
    rng = np.random.default_rng(0)
    x, y, x_test, y_test = _common.mnist()
    x = (rng.random(x.shape) < x).astype("float32")
    x_test = (rng.random(x_test.shape) < x_test).astype("float32")
    if limit:
        return x[:limit], y[:limit], x_test[: limit // 5], y_test[: limit // 5]
    return x, y, x_test, y_test


def cache_folder(path, quick):
    folder = path + ("_quick" if quick else "")
    os.makedirs(folder, exist_ok=True)
    return folder


def save_model(model, path):
    with atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)


def load_cached(path):
    """The model saved at `path` with its record, or (None, None)."""
    if not os.path.isfile(path) or not os.path.isfile(path + ".json"):
        return None, None
    import keras_gen.models

    with open(path + ".json") as handle:
        record = json.load(handle)
    return keras_gen.models.load_model(path), record


def save_record(path, record):
    with atomic_path(path + ".json") as tmp:
        with open(tmp, "w") as handle:
            json.dump(record, handle, indent=2, default=float)


def train_rbm(rbm, x, path, epochs, learning_rate=0.05, momentum=0.5, weight_average=0.999, labels=None,
              batch_size=100, verbose=2):
    """Trains `rbm` with the generative recipe (or loads it from `path`); returns (rbm, record)."""
    from keras_gen.models.rbm.generative_training import generative_optimizer
    from keras_gen.models.rbm.generative_training import initialize_visible_bias

    cached, record = load_cached(path)
    if cached is not None:
        print(f"loaded {path} ({record['seconds']:.0f} s of training)", flush=True)
        return cached, record
    initialize_visible_bias(rbm, x if labels is None else (x, labels))
    steps = epochs * int(np.ceil(len(x) / batch_size))
    rbm.compile(optimizer=generative_optimizer(learning_rate, steps, momentum=momentum,
                                               weight_average=weight_average),
                steps_per_execution=100, jit_compile=keras.backend.backend() == "jax")
    started = time.perf_counter()
    history = rbm.fit(x, labels, batch_size=batch_size, epochs=epochs, verbose=verbose)
    record = {"seconds": time.perf_counter() - started, "epochs": epochs, "learning_rate": learning_rate,
              "schedule": "linear decay to 2 %", "momentum": momentum, "weight_average": weight_average,
              "batch_size": batch_size, "final_metrics": {k: float(v[-1]) for k, v in history.history.items()}}
    save_model(rbm, path)
    save_record(path, record)
    return rbm, record


def mnist_classifier():
    """The shipped MNIST classifier (logits), as trained by `train_feature_classifier.py`."""
    from keras_gen.metrics.feature_extractor import feature_classifier
    from keras_gen.metrics.feature_extractor import weights_path

    classifier = feature_classifier()
    with np.load(weights_path("mnist")) as stored:
        classifier.set_weights([stored[f"w{i}"].astype("float32") for i in range(len(classifier.weights))])
    return classifier


def classify(images, classifier=None, batch_size=500):
    classifier = classifier or mnist_classifier()
    images = np.asarray(images, "float32").reshape(-1, 28, 28, 1)
    logits = [keras.ops.convert_to_numpy(classifier(images[i : i + batch_size], training=False))
              for i in range(0, len(images), batch_size)]
    return np.concatenate(logits).argmax(axis=1)


def score_samples(samples, x_test, test_features=None):
    """FID vs `x_test` and per-class shares of `samples` (images in [0, 1], flat rows)."""
    from keras_gen.metrics.feature_extractor import extract_features
    from keras_gen.metrics.feature_extractor import load_feature_extractor
    from keras_gen.metrics.frechet_distance import frechet_distance

    extractor = load_feature_extractor("mnist")
    if test_features is None:
        test_features = extract_features(extractor, x_test)
    fid = frechet_distance(test_features, extract_features(extractor, samples))
    predicted = classify(samples)
    shares = np.bincount(predicted, minlength=10) / len(predicted)
    return {"fid": fid, "class_shares": [round(float(s), 4) for s in shares],
            "largest_class_share": float(shares.max()), "count": int(len(samples))}


def write_json(name, result, folder=_common.RESULTS):
    result["load_average_end"] = list(os.getloadavg())
    return _common.write_result(name, result, folder)
