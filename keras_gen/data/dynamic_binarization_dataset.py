"""Dynamically binarized data: a fresh Bernoulli draw of every image each epoch."""

import numpy as np

from keras_gen.data.epoch_dataset import EpochDataset
from keras_gen.data.scaling import to_unit

__all__ = ["DynamicBinarizationDataset"]


class DynamicBinarizationDataset(EpochDataset):
    """A `keras.utils.PyDataset` that re-binarizes its data every epoch.

    Each pixel intensity in [0, 1] is the probability of a 1; every epoch
    draws new 0/1 images ("dynamically binarized MNIST", as in the IWAE and
    VAE literature), which regularises far better than one fixed draw. Draws
    are seeded by `(seed, epoch, batch index)`, so training is reproducible.
    Pass it straight to `model.fit`.

    Args:
        x: data in [0, 1] (or `uint8` pixels, or anything `to_unit` accepts).
        y: optional targets, yielded as `(x_batch, y_batch)`.
        batch_size: samples per batch.
        shuffle: reshuffle the samples every epoch.
        seed: integer seed of the draws and the shuffles.
        reconstruction_targets: yield `(x_batch, x_batch)` (the same draw as
            input and target) for models fitted as `fit(x, x)`; excludes `y`.
        drop_remainder: drop the last, smaller batch.
        value_range: `(low, high)` of `x` when it cannot be inferred.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Example:

    >>> x = np.random.default_rng(0).random((10, 4))
    >>> data = DynamicBinarizationDataset(x, batch_size=4, seed=0)
    >>> len(data), data[0].shape, sorted(set(data[0].ravel().tolist()))
    (3, (4, 4), [0.0, 1.0])

    Reference:
        Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders",
        ICLR 2016 (dynamic binarization of MNIST).
    """

    def __init__(self, x, y=None, batch_size=32, shuffle=True, seed=0, reconstruction_targets=False,
                 drop_remainder=False, value_range=None, **kwargs):
        self.probabilities = to_unit(x, value_range)
        if y is not None:
            if reconstruction_targets:
                raise ValueError("Expected `y=None` with reconstruction_targets=True. "
                                 f"Received: y with shape {np.shape(y)}")
            y = np.asarray(y)
            if y.ndim == 0 or len(y) != len(self.probabilities):
                raise ValueError(f"Expected `y` to have one entry per sample ({len(self.probabilities)}). "
                                 f"Received: y with shape {y.shape}")
        self.y = y
        self.reconstruction_targets = bool(reconstruction_targets)
        super().__init__(len(self.probabilities), batch_size, shuffle, seed, drop_remainder, **kwargs)

    def __getitem__(self, index):
        rows = self.batch_rows(index, self.count)
        probabilities = self.probabilities[rows]
        draws = self.batch_rng(index).random(probabilities.shape, dtype="float32")
        batch = (draws < probabilities).astype("float32")
        if self.reconstruction_targets:
            return batch, batch
        if self.y is not None:
            return batch, self.y[rows]
        return batch
