"""Denoising vs plain autoencoder on MNIST with 50 % masking noise, same run.

Target (issue 4): the denoising autoencoder's reconstruction of the clean test
images beats the plain autoencoder's. Both models have the same architecture
(784-512-128-512-784, ReLU hidden, sigmoid code and output), optimizer,
epochs and seed; the DAE is trained with 50 % masking noise. Both are scored
on the clean test images from (a) masked test inputs (the same fixed mask for
both: the primary figure) and (b) clean test inputs.

    python benchmarks/denoising_vs_plain.py           # full run
    python benchmarks/denoising_vs_plain.py --quick   # smoke run
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

from keras_gen.models.autoencoders import Autoencoder  # noqa: E402
from keras_gen.models.autoencoders import DenoisingAutoencoder  # noqa: E402
from keras_gen.utils import save_image_grid  # noqa: E402

RESULTS = _common.RESULTS
NOISE = 0.5


def load_mnist():
    x_train, _, x_test, _ = _common.mnist()
    return x_train, x_test


def squared_error(x, reconstruction):
    return float(np.mean(np.sum((np.asarray(reconstruction, "float64") - x) ** 2, axis=1)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    name = "denoising_vs_plain" + ("_quick" if args.quick else "")
    os.makedirs(RESULTS, exist_ok=True)
    x_train, x_test = load_mnist()
    epochs = args.epochs
    if args.quick:
        x_train, x_test, epochs = x_train[:5000], x_test[:1000], 2
    # One fixed mask for the test set, shared by both models.
    masked_test = x_test * (np.random.default_rng(1).random(x_test.shape) >= NOISE)

    scores, seconds, outputs = {}, {}, {}
    for label, cls, extra in (("plain", Autoencoder, {}),
                              ("denoising", DenoisingAutoencoder,
                               {"corruption": "masking", "corruption_level": NOISE})):
        keras.utils.set_random_seed(0)
        model = cls.dense((784,), code_dim=128, hidden_units=(512,), code_activation="sigmoid",
                          reconstruction_loss="binary_crossentropy", seed=0, **extra)
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        started = time.time()
        model.fit(x_train, epochs=epochs, batch_size=128, shuffle=True, verbose=2)
        seconds[label] = time.time() - started
        from_masked = model.predict(masked_test, batch_size=1000, verbose=0)
        from_clean = model.predict(x_test, batch_size=1000, verbose=0)
        scores[label] = {"from_masked_inputs": squared_error(x_test, from_masked),
                         "from_clean_inputs": squared_error(x_test, from_clean)}
        outputs[label] = from_masked[:10]

    save_image_grid(os.path.join(RESULTS, f"{name}.png"),
                    np.concatenate([x_test[:10], masked_test[:10], outputs["plain"], outputs["denoising"]]),
                    columns=10, image_shape=(28, 28), scale=2)
    primary = scores["plain"]["from_masked_inputs"] / scores["denoising"]["from_masked_inputs"]
    result = {
        "benchmark": name,
        "task": "MNIST, 50% masking noise: squared error to the clean test images",
        "model": "784-512-128-512-784 (ReLU hidden, sigmoid code and output), cross-entropy loss",
        "settings": {"epochs": epochs, "batch_size": 128, "optimizer": "Adam 1e-3",
                     "masking_fraction": NOISE, "train_examples": len(x_train),
                     "test_examples": len(x_test),
                     "error": "sum over pixels of squared error to the clean image, mean over test images"},
        "plain_autoencoder": scores["plain"],
        "denoising_autoencoder": scores["denoising"],
        "ratio_plain_over_denoising_masked_inputs": primary,
        "ratio_plain_over_denoising_clean_inputs":
            scores["plain"]["from_clean_inputs"] / scores["denoising"]["from_clean_inputs"],
        "target": "denoising error < plain error on the clean test images from 50%-masked inputs",
        "passed": bool(primary > 1.0),
        "train_seconds": seconds,
        "picture": f"{name}.png rows: clean test digits, masked inputs, plain AE output, DAE output",
    }
    _common.write_result(name, result)
    print(json.dumps({k: result[k] for k in ("plain_autoencoder", "denoising_autoencoder", "passed")},
                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
