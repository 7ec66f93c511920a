"""Scores shared by the Pix2Pix and CycleGAN benchmarks (NumPy/SciPy, no downloads).

- `l1` and `ssim` on images in [0, 1] (SSIM: Gaussian window, sigma 1.5,
  per channel, as in Wang et al. 2004).
- `FeatureNetwork`: a fixed, randomly initialised convolutional network
  (seeded; no trained weights exist offline) whose multi-scale activation
  statistics give a Fréchet distance between image sets. Random conv
  features respond to local texture and edges, which is what blur removes;
  the distance is only comparable within one run (same network).
- `label_palette` / `label_accuracy`: facade label maps are a colour
  palette, so a translated label map is scored per pixel by mapping each
  colour to its nearest palette colour (the paper's FCN score, directly).
"""

import time

import numpy as np
from scipy import linalg
from scipy.ndimage import gaussian_filter


def to_unit(images):
    return np.clip((np.asarray(images, dtype="float64") + 1.0) / 2.0, 0.0, 1.0)


def l1(images, targets):
    """Mean absolute error of images in [-1, 1], on the [0, 1] scale."""
    return float(np.abs(to_unit(images) - to_unit(targets)).mean())


def ssim(images, targets, sigma=1.5):
    """Mean SSIM of images in [-1, 1] (computed on [0, 1], data range 1)."""
    x, y = to_unit(images), to_unit(targets)
    c1, c2 = 0.01**2, 0.03**2

    def blur(z):
        return gaussian_filter(z, sigma=(0, sigma, sigma, 0), truncate=3.5)

    mx, my = blur(x), blur(y)
    vx = blur(x * x) - mx * mx
    vy = blur(y * y) - my * my
    cxy = blur(x * y) - mx * my
    value = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(value.mean())


class FeatureNetwork:
    """A fixed random conv network: images -> mean and std of 3 scales of features."""

    def __init__(self, seed=1234, widths=(16, 32, 64)):
        import keras

        initializer = keras.initializers.HeNormal(seed=seed)
        layers = []
        for width in widths:
            layers += [
                keras.layers.Conv2D(width, 3, strides=2, padding="same",
                                    kernel_initializer=initializer, use_bias=False),
                keras.layers.ReLU(),
            ]
        self.layers = layers
        self.widths = widths

    def __call__(self, images, batch_size=32):
        import keras

        features = []
        for start in range(0, len(images), batch_size):
            x = keras.ops.convert_to_tensor(np.asarray(images[start : start + batch_size], "float32"))
            parts = []
            for layer in self.layers:
                x = layer(x)
                if isinstance(layer, keras.layers.ReLU):
                    parts += [keras.ops.mean(x, axis=(1, 2)), keras.ops.std(x, axis=(1, 2))]
            features.append(keras.ops.convert_to_numpy(keras.ops.concatenate(parts, axis=-1)))
        return np.concatenate(features, axis=0).astype("float64")


def frechet_distance(features_a, features_b):
    mu_a, mu_b = features_a.mean(0), features_b.mean(0)
    cov_a = np.cov(features_a, rowvar=False)
    cov_b = np.cov(features_b, rowvar=False)
    root, _ = linalg.sqrtm(cov_a @ cov_b, disp=False)
    root = root.real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2.0 * root))


def gradient_energy(images):
    """Mean squared finite-difference gradient (a sharpness measure), [0, 1] scale."""
    x = to_unit(images)
    return float((np.diff(x, axis=1) ** 2).mean() + (np.diff(x, axis=2) ** 2).mean())


def label_palette(label_maps, min_share=0.0003, min_distance=60):
    """The palette colours of uint8 label maps: frequent colours, greedily kept apart."""
    pixels = np.asarray(label_maps).reshape(-1, 3).astype("int64")
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    palette = []
    for index in np.argsort(-counts):
        if counts[index] < min_share * len(pixels):
            break
        colour = colours[index]
        if all(np.abs(colour - kept).sum() > min_distance for kept in palette):
            palette.append(colour)
    return np.array(palette, dtype="float64")


def nearest_label(images_uint8, palette):
    pixels = np.asarray(images_uint8, dtype="float64").reshape(-1, 1, 3)
    distances = ((pixels - palette[None]) ** 2).sum(-1)
    return distances.argmin(-1).reshape(np.asarray(images_uint8).shape[:-1])


def label_accuracy(predicted, truth, palette):
    """Per-pixel label accuracy and mean class IoU of predicted vs true label maps ([-1, 1])."""
    pred = nearest_label(to_unit(predicted) * 255.0, palette)
    true = nearest_label(to_unit(truth) * 255.0, palette)
    ious = []
    for label in range(len(palette)):
        union = np.logical_or(pred == label, true == label).sum()
        if union:
            ious.append(np.logical_and(pred == label, true == label).sum() / union)
    return float((pred == true).mean()), float(np.mean(ious))


def machine():
    """The shared machine record (`_common.machine`), with the finishing time."""
    import _common

    return {**_common.machine(), "finished_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
