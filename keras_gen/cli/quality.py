"""`keras-gen evaluate --fid`: FID, KID and precision/recall for every image-making family.

The families hand over generated images (samples, or translations) and the
real test images they should resemble, both scaled to [0, 1]; this module
checks that both are images of one shape and value range, picks the
feature model (`--feature-model`), and computes the figures with progress
bars.
"""

import numpy as np

from keras_gen.cli import runs

__all__ = ["fid_metrics", "no_images", "real_test_images", "run_image_shape"]


def no_images(args, run_dir, reason):
    """The plain error of `--fid` on a run that makes no images."""
    model = runs.read_run(run_dir).get("model")
    return ValueError(f"Expected a run that makes images for --fid. Received: run={args.run!r} "
                      f"of model {model!r}, which {reason}")


def run_image_shape(args, run_dir):
    """The run's image shape `(H, W, C)`; a plain error when its data are not images."""
    shape = runs.image_shape(run_dir)
    if not shape or len(shape) < 2:
        raise no_images(args, run_dir, f"was trained on data of shape {shape} (not images)")
    return tuple(shape) if len(shape) == 3 else tuple(shape) + (1,)


def real_test_images(args, run_dir, count, image_shape, scale="unit"):
    """Up to `count` test images of the run's data (or `--data`) in [0, 1], and their labels.

    `scale` is the one the model was trained on (`"binary"` for an RBM of
    thresholded pixels), so that both sets are alike.
    """
    from keras_gen.data import load_dataset

    data = args.data or runs.read_run(run_dir)["args"]["data"]
    x, y = load_dataset(data, split="test", scale=scale, limit=count, seed=args.seed)
    if int(np.prod(x.shape[1:])) != int(np.prod(image_shape)):
        raise ValueError(f"Expected --data of the run's image shape {image_shape}. Received: "
                         f"data={data!r} of shape {x.shape[1:]}")
    return x.reshape((len(x),) + tuple(image_shape)), y


def _default_feature_model(args, run_dir, image_shape):
    data = str(args.data or runs.read_run(run_dir)["args"]["data"]).lower()
    if "fashion" in data:
        return "fashion_mnist"
    return "mnist" if image_shape[-1] == 1 else "inception"


def fid_metrics(args, run_dir, real, generated, suffix=""):
    """FID, KID (mean and std) and precision/recall of `generated` against `real`.

    Args:
        args: the `evaluate` arguments (`--feature-model`, `--verbose`, `--seed`).
        run_dir: the run folder.
        real: real images (N, H, W, C) in [0, 1].
        generated: generated images of the same shape, in [0, 1].
        suffix: appended to each key (`"_a_to_b"` for one CycleGAN direction).

    Returns:
        A dict of metrics, with the number of images and the feature model.
    """
    from keras_gen.metrics.feature_extractor import extract_features
    from keras_gen.metrics.feature_model import load_feature_model
    from keras_gen.metrics.frechet_distance import frechet_distance
    from keras_gen.metrics.image_sets import check_image_sets
    from keras_gen.metrics.kernel_inception_distance import kernel_distance
    from keras_gen.metrics.precision_recall import precision_recall

    real, generated = check_image_sets(real, generated, (0.0, 1.0))
    spec = args.feature_model or _default_feature_model(args, run_dir, real.shape[1:])
    model = load_feature_model(spec, real.shape[1:])
    verbose = getattr(args, "verbose", 1)
    if verbose:
        print(f"--fid: features of {len(real)} test and {len(generated)} generated images "
              f"({spec})")
    real_features = extract_features(model, real, verbose=verbose)
    fake_features = extract_features(model, generated, verbose=verbose)
    kid, kid_std = kernel_distance(real_features, fake_features,
                                   subset_size=min(1000, len(real), len(generated)), seed=args.seed)
    metrics = {"fid": frechet_distance(real_features, fake_features), "kid": kid,
               "kid_std": kid_std}
    if min(len(real), len(generated)) > 3:  # k = 3 neighbours need a few more points
        metrics.update(precision_recall(real_features, fake_features))
    metrics = {key + suffix: value for key, value in metrics.items()}
    metrics.update({"fid_samples" + suffix: len(real), "fid_features": str(spec)})
    return metrics
