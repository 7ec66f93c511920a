"""Pix2Pix (cGAN + L1) vs an L1-only U-Net on facades (label map -> photo), same run.

Target (issue 6): at similar test L1, cGAN + L1 gives more realistic photos,
i.e. a lower same-run feature distance (Fréchet distance of a fixed random
conv network's features) to the real test photos. Reported with test L1,
SSIM and a sharpness measure (gradient energy vs the real photos').

Both models share the U-Net, optimizer (Adam 2e-4, beta_1 0.5), data
pipeline (jitter + mirroring, same seed), batch and epochs; the baseline is
the U-Net alone trained on L1 (`compile(loss="mae")`), the paper's "L1"
column. The CPU here is two shared cores, so the settings are scaled down
(64 px, narrow networks, a few epochs); they are written to the JSON.

    python benchmarks/pix2pix_vs_l1.py           # scaled-down run (minutes)
    python benchmarks/pix2pix_vs_l1.py --quick   # smoke run
"""

import argparse
import json
import os
import sys
import time

import _common

ROOT = _common.ROOT
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import _image_to_image_metrics as metrics  # noqa: E402
from keras_gen.data import PairedImageDataset  # noqa: E402
from keras_gen.data import load_paired  # noqa: E402
from keras_gen.data import resize_images  # noqa: E402
from keras_gen.models.pix2pix import Pix2Pix  # noqa: E402
from keras_gen.models.pix2pix import unet_generator  # noqa: E402
from keras_gen.utils import save_image_grid  # noqa: E402

DATA = _common.DATA
RESULTS = _common.RESULTS
NAME = "pix2pix_vs_l1"


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.quick:
        args.size, args.epochs, args.filters = 32, 1, 8
    return args


def main():
    args = parse()
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_paired(os.path.join(DATA, "facades_128.npz"))
    if args.quick:
        x_train, y_train, x_test, y_test = x_train[:16], y_train[:16], x_test[:16], y_test[:16]
    x_train, y_train, x_test, y_test = (
        resize_images(a, args.size) for a in (x_train, y_train, x_test, y_test)
    )

    def data():
        return PairedImageDataset(x_train, y_train, batch_size=args.batch_size, seed=args.seed)

    def adam():
        return keras.optimizers.Adam(2e-4, beta_1=0.5)

    results, outputs = {}, {}
    keras.utils.set_random_seed(args.seed)
    baseline = unet_generator(image_size=args.size, filters=args.filters, name="l1_unet")
    baseline.compile(optimizer=adam(), loss="mae", jit_compile=True)
    started = time.time()
    baseline.fit(data(), epochs=args.epochs, verbose=2)
    results["l1_only"] = {"train_seconds": time.time() - started}
    outputs["l1_only"] = baseline.predict(x_test, batch_size=32, verbose=0)

    keras.utils.set_random_seed(args.seed)
    model = Pix2Pix(image_size=args.size, generator_filters=args.filters,
                    discriminator_filters=args.filters)
    model.compile(generator_optimizer=adam(), discriminator_optimizer=adam(), jit_compile=True)
    started = time.time()
    history = model.fit(data(), epochs=args.epochs, verbose=2)
    results["pix2pix"] = {
        "train_seconds": time.time() - started,
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
    }
    outputs["pix2pix"] = model.translate(x_test)

    features = metrics.FeatureNetwork()
    real_features = features(y_test)
    train_features = features(y_train[: len(y_test)])
    real_sharpness = metrics.gradient_energy(y_test)
    for name, translated in outputs.items():
        results[name].update(
            test_l1=metrics.l1(translated, y_test),
            test_ssim=metrics.ssim(translated, y_test),
            feature_distance=metrics.frechet_distance(features(translated), real_features),
            gradient_energy_ratio=metrics.gradient_energy(translated) / real_sharpness,
        )
    fd_ratio = results["pix2pix"]["feature_distance"] / results["l1_only"]["feature_distance"]
    l1_ratio = results["pix2pix"]["test_l1"] / results["l1_only"]["test_l1"]
    passed = bool(fd_ratio < 1.0 and l1_ratio <= 1.25)

    os.makedirs(RESULTS, exist_ok=True)
    rows = np.stack([x_test[:6], outputs["l1_only"][:6], outputs["pix2pix"][:6], y_test[:6]], 1)
    suffix = "_quick" if args.quick else ""
    picture = os.path.join(RESULTS, f"{NAME}{suffix}.png")
    save_image_grid(picture, rows.reshape((-1,) + rows.shape[2:]), 4, value_range=(-1, 1),
                    scale=2 if args.size < 128 else 1)
    report = {
        "benchmark": NAME,
        "task": "facades label map -> photo (facades_128.npz, test split, 106 pairs)",
        "target": "pix2pix feature_distance < l1_only feature_distance at similar test L1 "
                  "(pass: FD ratio < 1 and L1 ratio <= 1.25)",
        "feature_distance_ratio_pix2pix_over_l1": fd_ratio,
        "test_l1_ratio_pix2pix_over_l1": l1_ratio,
        "passed": passed,
        "results": results,
        "reference_feature_distance_train_vs_test_photos": metrics.frechet_distance(
            train_features, real_features),
        "settings": {
            "quick": args.quick, "image_size": args.size, "epochs": args.epochs,
            "batch_size": args.batch_size, "generator_filters": args.filters,
            "discriminator_filters": args.filters, "l1_weight": model.l1_weight,
            "normalization": model.normalization, "optimizer": "Adam(2e-4, beta_1=0.5) both",
            "augmentation": "PairedImageDataset: jitter (resize 286/256, random crop) + mirroring",
            "train_pairs": len(x_train), "test_pairs": len(x_test),
            "resize": "bilinear 128 -> image_size (keras_gen.data.resize_images)",
            "feature_network": "3 stride-2 3x3 conv + ReLU (16/32/64), HeNormal seed 1234, "
                               "mean and std per channel per scale (224 features); no trained weights",
            "jit_compile": True,
        },
        "picture": os.path.relpath(picture, ROOT) + " (rows: input | L1 only | pix2pix | target)",
        "machine": metrics.machine(),
    }
    _common.write_result(f"{NAME}{suffix}", report)
    print(json.dumps({k: report[k] for k in (
        "feature_distance_ratio_pix2pix_over_l1", "test_l1_ratio_pix2pix_over_l1", "passed")}))
    for name, values in results.items():
        print(name, {k: v for k, v in values.items() if k != "history"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
