"""Does feeding from NumPy, tf.data or a keras.utils.PyDataset starve the step?

Trains a VAE through `fit` fed several ways and times each step against
synthetic input (one batch already in memory, repeated), in the same run.
On JAX and torch, `numpy_staged` is `fit(x)` with keras-gen's staging of
NumPy arrays forced on (`set_device_feed("always")`; on a GPU `fit(x)`
stages them by itself); the other feeds run with it off. Three cases: a
small dense VAE (784 -> 256 -> 16, a ~2.5 ms step, where any
per-batch Python cost shows), the same VAE binarizing grey input inside its
step (`binarize=True`, the in-graph alternative to the Python-side
`DynamicBinarizationDataset`), and a conv VAE (a step a few times longer):

    python benchmarks/input_pipeline.py [--quick]

Writes benchmarks/results/input_pipeline.json (`input_pipeline_jax.json`
etc. on other backends; target: every feed's step time
within 1.15x of synthetic input).
"""

import argparse
import json
import time

import _common

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.models.vae import VAE  # noqa: E402
from keras_gen.trainers import set_device_feed  # noqa: E402

TARGET = 1.15
NAME = "input_pipeline"


class StepTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times, self.start = [], None

    def on_train_batch_begin(self, batch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter() - self.start)


class ArraySequence(keras.utils.PyDataset):
    def __init__(self, x, batch, **kwargs):
        super().__init__(**kwargs)
        self.x, self.batch = x, batch

    def __len__(self):
        return len(self.x) // self.batch

    def __getitem__(self, index):
        return self.x[index * self.batch:(index + 1) * self.batch]


class RepeatedBatch(keras.utils.PyDataset):
    def __init__(self, batch, steps, **kwargs):
        super().__init__(**kwargs)
        self.batch, self.steps = (keras.ops.convert_to_tensor(batch),), steps

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        return self.batch


def feeds(x, batch, steps, binary=True):
    yield "numpy", dict(x=x, batch_size=batch, shuffle=True)
    if keras.backend.backend() in ("jax", "torch"):
        # The same call with keras-gen's staging forced on (what a `fit(x)` of
        # two or more epochs does by itself on a JAX or torch GPU): the arrays
        # become a DeviceDataset.
        yield "numpy_staged", dict(x=x, batch_size=batch, shuffle=True, device_feed="always")
    if binary:
        yield "pydataset", dict(x=ArraySequence(x, batch))
        from keras_gen.data import DynamicBinarizationDataset

        # The library's Python-side feed for binary data: fresh draws per batch.
        yield "keras_gen_dynamic_binarization", dict(
            x=DynamicBinarizationDataset(x, batch_size=batch))
        if keras.backend.backend() == "tensorflow" or _has_tf():
            import tensorflow as tf

            dataset = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).batch(
                batch, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
            yield "tf.data", dict(x=dataset)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        synthetic = tf.data.Dataset.from_tensors(x[:batch]).repeat(steps)
    else:
        # One batch already converted to a backend tensor, served every step
        # (tf.data would add its own iteration and a conversion per batch).
        synthetic = RepeatedBatch(x[:batch], steps)
    yield "synthetic", dict(x=synthetic)


def _has_tf():
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


# name: (VAE builder, whether the model binarizes grey input inside its step)
CASES = {
    "dense_784_256_16": (lambda: VAE.dense((784,), latent_dim=16, hidden_units=(256,), seed=0),
                         False),
    # The same model fed grey pixels, drawing the 0/1 images inside the
    # compiled step (`VAE(binarize=True)`) instead of in Python.
    "dense_784_256_16_binarize_in_step": (
        lambda: VAE.dense((784,), latent_dim=16, hidden_units=(256,), binarize=True, seed=0),
        True),
    "conv_28x28_32_64_16": (lambda: VAE.conv((28, 28, 1), latent_dim=16, seed=0), False),
}


def measure(build, feed, steps, epochs):
    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer="adam")
    timer = StepTimer()
    feed = dict(feed)
    previous = set_device_feed(feed.pop("device_feed", "never"))
    try:
        model.fit(**feed, epochs=epochs, verbose=0, callbacks=[timer])
    finally:
        set_device_feed(previous)
    # The first epoch compiles; time the rest, median per step.
    return float(np.median(timer.times[steps:])) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny run for a smoke test")
    args = parser.parse_args()
    batch, steps, epochs = (64, 20, 2) if args.quick else (128, 100, 3)
    grey = np.random.default_rng(0).random((batch * steps, 784)).astype("float32")
    binary = (grey > 0.5).astype("float32")
    cases = {}
    for case, (build, binarize_in_step) in CASES.items():
        x = grey if binarize_in_step else binary
        if case.startswith("conv"):
            x = x.reshape(-1, 28, 28, 1)
        # The CPU is shared: alternate the feeds over rounds, keep each one's best.
        results = {}
        for _ in range(2):
            for name, feed in feeds(x, batch, steps, binary=not binarize_in_step):
                results[name] = min(results.get(name, np.inf), measure(build, feed, steps, epochs))
        synthetic = results.pop("synthetic")
        ratios = {name: value / synthetic for name, value in results.items()}
        cases[case] = {"step_ms": {**results, "synthetic": synthetic},
                       "ratio_to_synthetic": ratios,
                       "passed": all(r <= TARGET for r in ratios.values())}
    report = {
        "benchmark": "input_pipeline",
        "question": "step time of fit fed from NumPy / tf.data / PyDataset vs synthetic in-memory input",
        "backend": keras.backend.backend(),
        "settings": {"batch": batch, "steps_per_epoch": steps, "epochs": epochs,
                     "quick": args.quick,
                     "timing": "median step of epochs 2+, best of 2 alternating rounds"},
        "cases": cases,
        "target": f"every ratio <= {TARGET}",
        "passed": all(case["passed"] for case in cases.values()),
    }
    name = NAME
    if keras.backend.backend() != "tensorflow":
        name += f"_{keras.backend.backend()}"
    if args.quick:
        name += "_quick"
    _common.write_result(name, report)
    print(json.dumps({name: case["ratio_to_synthetic"] for name, case in cases.items()}, indent=2))


if __name__ == "__main__":
    main()
