"""Deep autoencoder 784-1000-500-250-30 (greedy pretrained + fine-tuned) vs PCA(30) on MNIST.

Target (issue 4): test squared reconstruction error (sum over the 784 pixels,
mean over test images) at least 2x lower than PCA with 30 components, both
measured in this run (Hinton & Salakhutdinov, Science 2006, report 3.00 vs
13.87 with RBM pretraining).

    python benchmarks/deep_autoencoder_vs_pca.py           # full run
    python benchmarks/deep_autoencoder_vs_pca.py --quick   # smoke run
"""

import argparse
import json
import os
import sys
import time

import _common

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.models.autoencoders import StackedAutoencoder  # noqa: E402
from keras_gen.utils.plots import plot_reconstructions  # noqa: E402

RESULTS = _common.RESULTS
TARGET_RATIO = 2.0


def load_mnist():
    x_train, _, x_test, _ = _common.mnist()
    return x_train, x_test


def squared_error(x, reconstruction):
    return float(np.mean(np.sum((np.asarray(reconstruction, "float64") - x) ** 2, axis=1)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pretrain-epochs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=20, help="fine-tuning epochs")
    parser.add_argument("--max-minutes", type=float, default=20.0, help="fine-tuning time cap")
    args = parser.parse_args(argv)
    name = "deep_autoencoder_vs_pca" + ("_quick" if args.quick else "")
    os.makedirs(RESULTS, exist_ok=True)
    keras.utils.set_random_seed(0)
    x_train, x_test = load_mnist()
    pretrain_epochs, epochs = args.pretrain_epochs, args.epochs
    if args.quick:
        x_train, x_test, pretrain_epochs, epochs = x_train[:5000], x_test[:1000], 1, 2

    from sklearn.decomposition import PCA

    started = time.time()
    pca = PCA(n_components=30, random_state=0).fit(x_train)
    pca_error = squared_error(x_test, pca.inverse_transform(pca.transform(x_test)))
    pca_seconds = time.time() - started

    model = StackedAutoencoder(784, layer_sizes=(1000, 500, 250, 30), activation="sigmoid",
                               reconstruction_loss="binary_crossentropy",
                               pretrain_weight_decay=1e-5, seed=0)
    started = time.time()
    model.pretrain(x_train, epochs=pretrain_epochs, batch_size=128, learning_rate=1e-3, verbose=2)
    pretrain_seconds = time.time() - started
    pretrained_error = squared_error(x_test, model.predict(x_test, batch_size=1000, verbose=0))

    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    started = time.time()
    stopper = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(
        model, "stop_training", time.time() - started > args.max_minutes * 60))
    history = model.fit(x_train, epochs=epochs, batch_size=128, shuffle=True, verbose=2,
                        callbacks=[stopper])
    fine_tune_seconds = time.time() - started
    reconstruction = model.predict(x_test, batch_size=1000, verbose=0)
    ae_error = squared_error(x_test, reconstruction)

    shown = x_test[:10]
    plot_reconstructions(os.path.join(RESULTS, f"{name}.png"),
                         np.concatenate([shown, pca.inverse_transform(pca.transform(shown)).clip(0, 1)]),
                         np.concatenate([reconstruction[:10], reconstruction[:10]]),
                         columns=10, image_shape=(28, 28))
    ratio = pca_error / ae_error
    result = {
        "benchmark": name,
        "task": "MNIST test squared reconstruction error: deep autoencoder vs PCA(30)",
        "model": "StackedAutoencoder 784-1000-500-250-30 (sigmoid hidden, linear code, sigmoid out)",
        "settings": {"pretrain_epochs_per_layer": pretrain_epochs, "fine_tune_epochs_planned": epochs,
                     "fine_tune_epochs_done": len(history.history["loss"]), "batch_size": 128,
                     "optimizer": "Adam 1e-3 (pretraining and fine-tuning)",
                     "pretraining": "greedy layer-wise autoencoders, L2 1e-5, cross-entropy",
                     "train_examples": len(x_train), "test_examples": len(x_test),
                     "error": "sum over pixels of squared error, mean over test images, pixels in [0, 1]"},
        "autoencoder_test_squared_error": ae_error,
        "autoencoder_pretrained_only_squared_error": pretrained_error,
        "pca30_test_squared_error": pca_error,
        "ratio_pca_over_autoencoder": ratio,
        "target": f"PCA error / autoencoder error >= {TARGET_RATIO}",
        "passed": bool(ratio >= TARGET_RATIO),
        "seconds": {"pca": pca_seconds, "pretraining": pretrain_seconds, "fine_tuning": fine_tune_seconds},
        "picture": f"{name}.png: rows 1-2 test digits over the autoencoder's reconstructions; "
                   "rows 3-4 PCA(30) reconstructions over the autoencoder's again",
    }
    _common.write_result(name, result)
    print(json.dumps({k: result[k] for k in ("autoencoder_test_squared_error", "pca30_test_squared_error",
                                              "ratio_pca_over_autoencoder", "passed")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
