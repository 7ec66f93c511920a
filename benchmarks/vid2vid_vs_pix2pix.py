"""Vid2Vid vs per-frame Pix2Pix on moving MNIST digits (label-map video -> video), same run.

Targets (issue 17), on held-out videos (digits of MNIST's test split):
- warping error (Lai et al. 2018, against the true flow, over pixels
  visible in both frames) of Vid2Vid <= 0.5x that of Pix2Pix run frame by
  frame;
- digit-crop class accuracy (shipped MNIST classifier) of Vid2Vid >= 90%,
  and its crop FID <= 1.3x Pix2Pix's;
- the exported per-frame generator, rolled out over 16 frames feeding back
  its own outputs, within 1e-4 (max abs) of Keras in ONNX and TFLite (fp32).

Both models train on the same clips for the same number of steps, in this
run: Vid2Vid on `--clip-frames`-frame clips, `--batch-size` clips a step;
Pix2Pix on the frames of the same clips, `--batch-size * --clip-frames`
frames a step. Settings, wall times and the machine go into the JSON; the
side-by-side GIF (maps | real | Vid2Vid | per-frame Pix2Pix) next to it.

    nice -n 10 python benchmarks/vid2vid_vs_pix2pix.py           # full run (~12 min, 2 cores)
    python benchmarks/vid2vid_vs_pix2pix.py --quick               # smoke run
"""

import argparse
import json
import os
import sys
import tempfile
import time

import _common

ROOT = _common.ROOT
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.data import moving_digits  # noqa: E402
from keras_gen.data.moving_digits import digit_classes  # noqa: E402
from keras_gen.export import export_part  # noqa: E402
from keras_gen.export import load_runner  # noqa: E402
from keras_gen.metrics.digit_crops import digit_crop_quality  # noqa: E402
from keras_gen.metrics.warping_error import warping_error  # noqa: E402
from keras_gen.models.pix2pix import Pix2Pix  # noqa: E402
from keras_gen.models.vid2vid import Vid2Vid  # noqa: E402
from keras_gen.models.vid2vid import one_hot_maps  # noqa: E402
from keras_gen.models.vid2vid import rollout_video  # noqa: E402
from keras_gen.utils import save_image_grid  # noqa: E402
from keras_gen.utils.video_gif import color_maps  # noqa: E402
from keras_gen.utils.video_gif import save_video_gif  # noqa: E402

RESULTS = _common.RESULTS
NAME = "vid2vid_vs_pix2pix"
CLASSES = digit_classes()


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--train-videos", type=int, default=1600)
    parser.add_argument("--clip-frames", type=int, default=4)
    parser.add_argument("--test-videos", type=int, default=64)
    parser.add_argument("--test-frames", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=1e-3,
                        help="Adam learning rate of every network of both models")
    parser.add_argument("--warp-weight", type=float, default=30.0,
                        help="Vid2Vid's weight of the warping losses")
    parser.add_argument("--flow-weight", type=float, default=10.0,
                        help="Vid2Vid's weight of the flow loss against the true flow")
    parser.add_argument("--hallucination", default="dilated",
                        help="where Vid2Vid's new content comes from: dilated, unet or shared")
    parser.add_argument("--temporal-weight", type=float, default=1.0,
                        help="Vid2Vid's weight of the temporal discriminator's adversarial loss")
    parser.add_argument("--gan-loss", default="non_saturating",
                        help="Vid2Vid's adversarial loss (Pix2Pix keeps its own, non-saturating)")
    parser.add_argument("--feature-matching-weight", type=float, default=10.0,
                        help="Vid2Vid's weight of discriminator feature matching")
    parser.add_argument("--jit", type=int, default=0, help="jit_compile (XLA) for both models")
    parser.add_argument("--tag", default="", help="suffix of the result files")
    parser.add_argument("--save-model", default=None,
                        help="also save the trained Vid2Vid to this .keras path")
    args = parser.parse_args()
    if args.quick:
        args.size, args.train_videos, args.test_videos, args.epochs, args.filters = 32, 16, 4, 1, 8
    return args


def adam(args):
    return keras.optimizers.Adam(args.learning_rate, beta_1=0.5)


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def exported_rollouts(model, maps, folder):
    """Max |artifact - Keras| over a rollout of `maps` in ONNX and TFLite (fp32)."""
    reference = model.translate_video(maps)
    rows = {}
    for fmt in ("onnx", "tflite"):
        result = export_part(model, "generator", fmt, output=os.path.join(folder, f"g.{fmt}"))
        runner = load_runner(result["artifact"])

        def step(current, previous_maps, previous_frames, runner=runner):
            return runner({"map": current, "previous_maps": previous_maps,
                           "previous_frames": previous_frames})[0]

        videos = rollout_video(step, maps, model.num_classes, model.history_frames,
                               model.channels)
        rows[fmt] = {"max_abs_diff": float(np.abs(videos - reference).max()),
                     "size_bytes": result["size_bytes"]}
    return rows


def write_pictures(args, test, outputs, suffix):
    """The side-by-side GIF (maps | real | Vid2Vid | Pix2Pix) and a PNG of some frames."""
    videos = []
    for n in range(4):
        videos += [color_maps(test["maps"][n], CLASSES), test["frames"][n],
                   outputs["vid2vid"][n], outputs["pix2pix"][n]]
    gif = os.path.join(RESULTS, f"{NAME}{suffix}.gif")
    save_video_gif(gif, videos, rows=4, scale=2 if args.size <= 64 else 1)
    frames = range(0, args.test_frames, 3)
    tiles = [np.repeat(v[t], 3, -1) if v.shape[-1] == 1 else v[t]
             for v in videos[:8] for t in frames]
    png = os.path.join(RESULTS, f"{NAME}{suffix}.png")
    save_image_grid(png, np.stack(tiles), columns=len(frames), value_range=(-1, 1), scale=2)
    return gif, png


def main():
    args = parse()
    suffix = ("_quick" if args.quick else "") + (f"_{args.tag}" if args.tag else "")
    started = time.perf_counter()
    train = moving_digits(args.train_videos, args.clip_frames, args.size, split="train",
                          seed=args.seed)
    test = moving_digits(args.test_videos, args.test_frames, args.size, split="test",
                         seed=args.seed + 1)
    digit_size = 28 if args.size >= 56 else args.size // 2
    results, outputs = {}, {}

    keras.utils.set_random_seed(args.seed)
    vid2vid = Vid2Vid(image_size=args.size, generator_filters=args.filters,
                      discriminator_filters=args.filters, warp_weight=args.warp_weight,
                      flow_weight=args.flow_weight, temporal_weight=args.temporal_weight,
                      gan_loss=args.gan_loss, feature_matching_weight=args.feature_matching_weight,
                      hallucination=args.hallucination)
    vid2vid.compile(*(adam(args) for _ in range(3)), jit_compile=bool(args.jit))
    x = {key: train[key] for key in ("maps", "flow", "visible")}
    history, seconds = timed(lambda: vid2vid.fit(x, train["frames"], batch_size=args.batch_size,
                                                 epochs=args.epochs, verbose=2))
    results["vid2vid"] = {"train_seconds": seconds, "history": {
        k: [float(v) for v in vs] for k, vs in history.history.items()}}
    if args.save_model:
        vid2vid.save(args.save_model)
    outputs["vid2vid"], results["vid2vid"]["translate_seconds"] = timed(
        lambda: vid2vid.translate_video(test["maps"]))

    keras.utils.set_random_seed(args.seed)
    pix2pix = Pix2Pix(image_size=args.size, input_channels=CLASSES, output_channels=1,
                      generator_filters=args.filters, discriminator_filters=args.filters)
    pix2pix.compile(adam(args), adam(args), jit_compile=bool(args.jit))
    source = one_hot_maps(train["maps"], CLASSES).reshape((-1, args.size, args.size, CLASSES))
    target = train["frames"].reshape((-1, args.size, args.size, 1))
    # Shuffled frames, the same count per step as Vid2Vid's clips hold.
    history, seconds = timed(lambda: pix2pix.fit(
        source, target, batch_size=args.batch_size * args.clip_frames, epochs=args.epochs,
        verbose=2))
    results["pix2pix"] = {"train_seconds": seconds, "history": {
        k: [float(v) for v in vs] for k, vs in history.history.items()}}
    test_source = one_hot_maps(test["maps"], CLASSES).reshape((-1,) + source.shape[1:])
    frames, results["pix2pix"]["translate_seconds"] = timed(lambda: pix2pix.translate(test_source))
    outputs["pix2pix"] = frames.reshape(test["frames"].shape)

    real_warping = warping_error(test["frames"], test["flow"], test["visible"])
    for name, videos in outputs.items():
        results[name]["warping_error"] = warping_error(videos, test["flow"], test["visible"])
        results[name]["digit_crops"] = digit_crop_quality(
            videos, test["frames"], test["positions"], test["labels"], test["boxes"], digit_size)
    with tempfile.TemporaryDirectory() as folder:
        export, seconds = timed(lambda: exported_rollouts(vid2vid, test["maps"][:4], folder))
    export["seconds"] = seconds

    os.makedirs(RESULTS, exist_ok=True)
    gif, png = write_pictures(args, test, outputs, suffix)
    v, p = results["vid2vid"], results["pix2pix"]
    warping_ratio = v["warping_error"] / p["warping_error"]
    fid_ratio = v["digit_crops"]["fid"] / p["digit_crops"]["fid"]
    parity = max(row["max_abs_diff"] for row in export.values() if isinstance(row, dict))
    checks = {
        "warping_error_ratio <= 0.5": warping_ratio <= 0.5,
        "vid2vid digit accuracy >= 0.9": v["digit_crops"]["accuracy"] >= 0.9,
        "crop_fid_ratio <= 1.3": fid_ratio <= 1.3,
        "export rollout max_abs_diff <= 1e-4": parity <= 1e-4,
    }
    report = {
        "benchmark": NAME,
        "task": f"moving MNIST digits, label-map video -> video, {args.size}x{args.size}; "
                f"held-out: {args.test_videos} videos of {args.test_frames} frames from MNIST's "
                "test digits",
        "targets": list(checks),
        "warping_error_ratio_vid2vid_over_pix2pix": warping_ratio,
        "crop_fid_ratio_vid2vid_over_pix2pix": fid_ratio,
        "vid2vid_digit_accuracy": v["digit_crops"]["accuracy"],
        "export_rollout_max_abs_diff": parity,
        "checks": checks,
        "passed": bool(all(checks.values())),
        "real_video_warping_error": real_warping,
        "results": results,
        "export_rollout_16_frames": export,
        "wall_seconds_total": time.perf_counter() - started,
        "settings": {
            "quick": args.quick, "image_size": args.size, "train_videos": args.train_videos,
            "clip_frames": args.clip_frames, "epochs": args.epochs,
            "steps_each": args.epochs * int(np.ceil(args.train_videos / args.batch_size)),
            "vid2vid_batch": f"{args.batch_size} clips of {args.clip_frames} frames",
            "pix2pix_batch": f"{args.batch_size * args.clip_frames} frames",
            "filters": args.filters, "jit_compile": bool(args.jit), "seed": args.seed,
            "vid2vid_config": {k: v for k, v in vid2vid.get_config().items()
                               if k not in ("name", "trainable", "dtype")},
            "pix2pix_config": {k: v for k, v in pix2pix.get_config().items()
                               if k not in ("name", "trainable", "dtype")},
            "optimizers": f"Adam({args.learning_rate:g}, beta_1=0.5) for every network",
        },
        "pictures": {"gif": os.path.relpath(gif, ROOT), "png": os.path.relpath(png, ROOT),
                     "layout": "rows: 4 test videos; columns: maps | real | Vid2Vid | Pix2Pix "
                               "(PNG: every third frame, 2 videos x 4 rows)"},
    }
    _common.write_result(f"{NAME}{suffix}", report)
    print(json.dumps({k: report[k] for k in (
        "warping_error_ratio_vid2vid_over_pix2pix", "crop_fid_ratio_vid2vid_over_pix2pix",
        "vid2vid_digit_accuracy", "export_rollout_max_abs_diff", "passed",
        "wall_seconds_total")}))
    for name, values in results.items():
        print(name, {k: val for k, val in values.items() if k != "history"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
