"""How fast does a NumPy array reach the GPU, by way of copying it?

`fit(x)` stages NumPy arrays on a JAX accelerator (`keras_gen.trainers.
set_device_feed`); this times the ways to make that one copy of the DCGAN
benchmark's images (25,600 x 64 x 64 x 3 float32, 1.26 GB), three tries each:
one `jax.device_put`, `keras.ops.convert_to_tensor`, 64 MB and 256 MB pieces
joined on the device, and `keras_gen.data.DeviceDataset` (which sends 256 MB
pieces since this script found them 3.5x faster on an H200).

    KERAS_BACKEND=jax python3 benchmarks/gpu/staging_copy.py [--quick] [--out FILE]

Writes benchmarks/results/staging_copy.json (or the `--out` path).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # benchmarks/, for _common
import _common  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.data import DeviceDataset  # noqa: E402


def timed(function, tries=3):
    seconds = []
    for _ in range(tries):
        start = time.perf_counter()
        result = function()
        jax.block_until_ready(result)
        seconds.append(time.perf_counter() - start)
        del result
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="256 images; runs on a CPU")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    count = 256 if args.quick else 25600
    images = np.random.default_rng(0).uniform(-1, 1, (count, 64, 64, 3)).astype("float32")

    def pieces(size):
        rows = max(1, size // images[0].nbytes)
        return lambda: jnp.concatenate([jax.device_put(images[start:start + rows])
                                        for start in range(0, count, rows)])

    def device_dataset(shuffle):
        def build():
            data = DeviceDataset(images, batch_size=128, shuffle=shuffle)
            return data[0][0], data.x
        return build

    ways = {
        "host_copy": lambda: np.array(images, copy=True),
        "jax_device_put": lambda: jax.device_put(images),
        "keras_convert_to_tensor": lambda: keras.ops.convert_to_tensor(images, dtype="float32"),
        "pieces_64MB": pieces(64 << 20),
        "pieces_256MB": pieces(256 << 20),
        "device_dataset": device_dataset(False),
        "device_dataset_shuffled": device_dataset(True),
    }
    report = {"bytes": images.nbytes, "device": str(jax.devices()[0]), "quick": args.quick}
    for name, way in ways.items():
        seconds = timed(way)
        report[name] = {"seconds": seconds, "GB_per_s": images.nbytes / min(seconds) / 1e9}
        print(name, [round(value, 3) for value in seconds], round(report[name]["GB_per_s"], 1))
    path = args.out or os.path.join(_common.RESULTS, "staging_copy_quick.json" if args.quick else "staging_copy.json")
    _common.write_json(path, report)


if __name__ == "__main__":
    main()
