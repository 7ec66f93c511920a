"""Trains the small feature classifiers shipped for FID/KID on 28×28 images.

    KERAS_BACKEND=tensorflow python benchmarks/train_feature_classifier.py [--quick]

Writes `keras_gen/assets/feature_classifier_{mnist,fashion_mnist}.npz`
(weights as float16 to stay small) and `keras_gen/assets/feature_classifier.json`
with the test accuracy of the stored (float16-rounded) weights.
"""

import argparse
import os
import time

import _common

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.metrics.feature_extractor import feature_classifier  # noqa: E402
from keras_gen.metrics.feature_extractor import weights_path  # noqa: E402
from keras_gen.utils import atomic_path  # noqa: E402

DATA = _common.DATA


def load(domain):
    with np.load(os.path.join(DATA, f"{domain}.npz")) as data:
        return [(data[f"x_{s}"][..., None] / 255.0).astype("float32") for s in ("train", "test")], [
            data[f"y_{s}"].astype("int64") for s in ("train", "test")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2,000 images, 1 epoch (smoke test)")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    report = {"backend": keras.backend.backend(), "keras": keras.__version__,
              "machine": _common.machine(), "epochs": 1 if args.quick else args.epochs,
              "quick": args.quick, "domains": {}}
    for domain in ("mnist", "fashion_mnist"):
        (x_train, x_test), (y_train, y_test) = load(domain)
        if args.quick:
            x_train, y_train = x_train[:2000], y_train[:2000]
        model = feature_classifier()
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        start = time.time()
        model.fit(x_train, y_train, batch_size=128, epochs=report["epochs"], verbose=2)
        seconds = time.time() - start
        stored = {f"w{i}": keras.ops.convert_to_numpy(w).astype("float16")
                  for i, w in enumerate(model.weights)}
        model.set_weights([stored[f"w{i}"].astype("float32") for i in range(len(model.weights))])
        _, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
        if not args.quick:
            with atomic_path(weights_path(domain), suffix=".npz") as tmp:
                np.savez_compressed(tmp, **stored)
        report["domains"][domain] = {
            "test_accuracy": round(float(accuracy), 4), "train_images": len(x_train),
            "test_images": len(x_test), "parameters": int(model.count_params()),
            "train_seconds": round(seconds, 1),
            "file_bytes": os.path.getsize(weights_path(domain)) if not args.quick else None,
        }
        print(domain, report["domains"][domain])
    if not args.quick:
        # The assets folder ships the record with the weights it describes.
        _common.write_result("feature_classifier", report,
                             folder=os.path.join(_common.ROOT, "keras_gen", "assets"))


if __name__ == "__main__":
    main()
