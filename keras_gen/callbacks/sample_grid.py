"""A PNG grid of samples from fixed noise after every epoch."""

import os

import keras
import numpy as np

from keras_gen.utils import check_positive_int
from keras_gen.utils import save_image_grid

__all__ = ["SampleGrid"]


class SampleGrid(keras.callbacks.Callback):
    """Writes `directory/epoch_NNN.png`: samples of the same noise each epoch.

    The noise (and, for a `ConditionalGAN`, the labels: classes in turn) is
    drawn once, so the grids show how the same latent points change during
    training. Works with any model that has `latent_dim` and
    `generate(noise[, labels])` (GAN, DCGAN, ConditionalGAN).

    Args:
        directory: existing or new folder for the PNG files.
        count: number of samples in the grid.
        every: write a grid every this many epochs (and after the last).
        seed: seed of the fixed noise.
        value_range: range of the samples; default the model's `data_range`.
        scale: integer upscaling of the picture (nearest neighbour).

    Returns:
        A `keras.callbacks.Callback`; `paths` lists the files written.

    Example:

    >>> import tempfile
    >>> from keras_gen.models.gan.gan import GAN
    >>> g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="tanh"),
    ...                       keras.layers.Reshape((4, 4, 1))])
    >>> d = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                       keras.layers.Dense(1)])
    >>> gan = GAN(g, d, latent_dim=4, seed=0)
    >>> gan.compile()
    >>> grid = SampleGrid(tempfile.mkdtemp(), count=4, every=2)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (16, 4, 4, 1)).astype("float32")
    >>> _ = gan.fit(x, batch_size=8, epochs=3, verbose=0, callbacks=[grid])
    >>> [os.path.basename(path) for path in grid.paths]  # every 2 epochs and the last
    ['epoch_002.png', 'epoch_003.png']

    Reference: the fixed-noise sample sheets of Radford et al., ICLR 2016.
    """

    def __init__(self, directory, count=64, every=1, seed=0, value_range=None, scale=2):
        super().__init__()
        self.directory = os.fspath(directory)
        self.count = check_positive_int("count", count)
        self.every = check_positive_int("every", every)
        self.seed = seed
        self.value_range = value_range
        self.scale = check_positive_int("scale", scale)
        self.paths = []
        self._noise = None

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "latent_dim") or not hasattr(self.model, "generate"):
            raise ValueError(
                "Expected a model with `latent_dim` and `generate()` (a GAN). "
                f"Received: model of type {type(self.model).__name__}"
            )
        os.makedirs(self.directory, exist_ok=True)
        # Outside the training step: a NumPy generator keeps the grid's noise
        # fixed without advancing the model's SeedGenerator.
        rng = np.random.default_rng(self.seed)
        self._noise = rng.standard_normal((self.count, self.model.latent_dim)).astype("float32")
        self._epochs = self.params.get("epochs") if self.params else None

    def _generate(self):
        if hasattr(self.model, "num_classes"):
            labels = np.arange(self.count) % self.model.num_classes
            return self.model.generate(self._noise, labels=labels)
        return self.model.generate(self._noise)

    def on_epoch_end(self, epoch, logs=None):
        last = self._epochs is not None and epoch + 1 == self._epochs
        if (epoch + 1) % self.every and not last:
            return
        value_range = self.value_range or getattr(self.model, "data_range", None) or (0.0, 1.0)
        path = os.path.join(self.directory, f"epoch_{epoch + 1:03d}.png")
        columns = getattr(self.model, "num_classes", None)
        save_image_grid(path, self._generate(), columns=columns, value_range=value_range,
                        scale=self.scale)
        self.paths.append(path)
