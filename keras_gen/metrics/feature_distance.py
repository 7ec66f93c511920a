"""Base of the `keras.metrics.Metric`s that compare two image sets on features."""

import keras
from keras import ops

from keras_gen.metrics.feature_model import feature_size
from keras_gen.metrics.feature_model import load_feature_model
from keras_gen.metrics.image_sets import check_value_ranges
from keras_gen.utils import check_positive_int

__all__ = ["FeatureDistance"]


class FeatureDistance(keras.metrics.Metric):
    """A metric over the features of real and generated images (FID, KID).

    `update_state(real_images, generated_images)` runs inside compiled
    steps (`keras.ops` only): it maps both batches to features with the
    feature model and keeps up to `max_samples` of each in the metric's
    variables, with the range of values seen. `result()` computes the
    distance on everything kept with keras-gen's NumPy function (one
    definition of FID and KID for post-hoc scores and for training), so it
    runs outside compiled steps: a model reports it from `evaluate`, as
    `AdversarialModel` does for metrics passed to `compile(metrics=...)`
    (`GAN`, `DCGAN`, `ConditionalGAN` compare their validation batches with
    samples of the same size), which makes it a `val_` log that
    `ModelCheckpoint` and `EarlyStopping` can monitor. The metric is not
    saved with the model (its feature model may be larger than the model).

    Subclasses implement `distance(real_features, generated_features)`.

    Args:
        feature_model: `"mnist"`, `"fashion_mnist"`, `"inception"`, a
            `.keras` path or a `keras.Model` taking images in [0, 1] (see
            `load_feature_model`).
        image_shape: the images' shape, needed to build a named feature model.
        value_range: range of the images the metric receives; they are
            mapped to [0, 1] for the feature model.
        max_samples: images of each set kept per evaluation (the first ones).
        name: metric name (the log key).
        dtype: dtype of the metric's result.

    Reference: Heusel et al., NeurIPS 2017 (FID); Bińkowski et al.,
    ICLR 2018 (KID, tracked during training in keras-io's GAN-ADA example).
    """

    def __init__(self, feature_model="mnist", image_shape=None, value_range=(-1.0, 1.0),
                 max_samples=2000, name="feature_distance", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not isinstance(feature_model, keras.Model):
            if image_shape is None:
                raise ValueError(f"Expected `image_shape` with feature_model={feature_model!r}. "
                                 "Received: image_shape=None")
            feature_model = load_feature_model(feature_model, image_shape)
        self.feature_model = feature_model
        low, high = (float(value) for value in value_range)
        if not low < high:
            raise ValueError("Expected `value_range` to be (low, high) with low < high. "
                             f"Received: value_range={value_range!r}")
        self.value_range = (low, high)
        self.max_samples = check_positive_int("max_samples", max_samples, minimum=2)
        size = feature_size(feature_model)
        # One spare row takes the batches that arrive once the buffer is full.
        rows = self.max_samples + 1
        self.real_features = self.add_variable((rows, size), "zeros", name="real_features")
        self.generated_features = self.add_variable((rows, size), "zeros", name="generated_features")
        self.counts = self.add_variable((2,), "zeros", name="counts")
        # min and max of the real, then the generated, images
        self.extremes = self.add_variable((4,), "zeros", name="extremes")
        self._cached = None

    def _features(self, images):
        images = ops.convert_to_tensor(images, "float32")
        low, high = self.value_range
        features = self.feature_model((images - low) / (high - low), training=False)
        return ops.reshape(ops.cast(features, "float32"), (ops.shape(images)[0], -1)), images

    def _append(self, buffer, count, features):
        batch = ops.shape(features)[0]
        rows = ops.cast(count, "int32") + ops.arange(batch, dtype="int32")
        rows = ops.where(rows < self.max_samples, rows, self.max_samples)
        buffer.assign(ops.scatter_update(buffer, rows[:, None], features))
        return ops.minimum(count + ops.cast(batch, "float32"), float(self.max_samples))

    def update_state(self, real_images, generated_images, sample_weight=None):
        """Adds the features of a batch of real and one of generated images."""
        real, real_images = self._features(real_images)
        fake, generated_images = self._features(generated_images)
        first = ops.equal(self.counts[0] + self.counts[1], 0.0)
        seen = ops.stack([ops.min(real_images), ops.max(real_images),
                          ops.min(generated_images), ops.max(generated_images)])
        merged = ops.stack([ops.minimum(self.extremes[0], seen[0]), ops.maximum(self.extremes[1], seen[1]),
                            ops.minimum(self.extremes[2], seen[2]), ops.maximum(self.extremes[3], seen[3])])
        self.extremes.assign(ops.where(first, seen, merged))
        counts = ops.stack([self._append(self.real_features, self.counts[0], real),
                            self._append(self.generated_features, self.counts[1], fake)])
        self.counts.assign(counts)
        self._cached = None

    def reset_state(self):
        super().reset_state()
        self._cached = None

    def distance(self, real_features, generated_features):
        raise NotImplementedError(f"{type(self).__name__} must implement distance().")

    def result(self):
        """The distance of all features kept so far (NaN before two images of each set)."""
        if self._cached is not None:
            return self._cached
        counts = ops.convert_to_numpy(self.counts).astype("int64")
        if counts.min() < 2:
            return float("nan")
        extremes = ops.convert_to_numpy(self.extremes).astype("float64")
        check_value_ranges(tuple(extremes[:2]), tuple(extremes[2:]), self.value_range)
        real = ops.convert_to_numpy(self.real_features)[: counts[0]]
        generated = ops.convert_to_numpy(self.generated_features)[: counts[1]]
        self._cached = float(self.distance(real, generated))
        return self._cached

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "max_samples": self.max_samples}

