"""A callback writing input | output | target grids of a translation model."""

import os

import keras
import numpy as np

from keras_gen.utils import save_image_grid

__all__ = ["TranslationGrid"]


def _rgb(images):
    images = np.asarray(images, dtype="float32")
    return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images


class TranslationGrid(keras.callbacks.Callback):
    """Writes one PNG per epoch: a row per image, input | output | target.

    Works with any model that has `translate(images)` (Pix2Pix, CycleGAN).
    Without targets (unpaired data) the third column is the cycle
    reconstruction when the model has `cycle(images)` (CycleGAN), and
    is left out otherwise.

    Args:
        folder: existing folder for `translations_epoch_001.png`, ...
        inputs: a few source images in [-1, 1].
        targets: their targets (same count), or `None`.
        every: write every this many epochs (and after the last).
        scale: integer upscaling of the PNG.

    Returns:
        A `keras.callbacks.Callback`; `paths` lists the files written.

    Example:

    >>> import tempfile
    >>> from PIL import Image
    >>> from keras_gen.models.pix2pix.pix2pix import Pix2Pix
    >>> model = Pix2Pix(image_size=8, generator_filters=4, discriminator_filters=4)
    >>> x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    >>> grid = TranslationGrid(tempfile.mkdtemp(), x, x)
    >>> grid.set_model(model)
    >>> grid.on_epoch_end(0)  # what `model.fit(..., callbacks=[grid])` calls
    >>> os.path.basename(grid.paths[0])
    'translations_epoch_001.png'
    >>> Image.open(grid.paths[0]).size  # 3 columns by 2 rows of 8x8 tiles, 1 px apart
    (28, 19)

    Reference: the input | output | ground truth figures of Isola et al.,
    "Image-to-Image Translation with Conditional Adversarial Networks", 2017.
    """

    def __init__(self, folder, inputs, targets=None, every=1, scale=1):
        super().__init__()
        if not os.path.isdir(folder):
            raise ValueError(f"Expected `folder` to be an existing folder. Received: folder={folder!r}")
        self.folder = folder
        self.inputs = np.asarray(inputs, dtype="float32")
        self.targets = None if targets is None else np.asarray(targets, dtype="float32")
        if self.targets is not None and len(self.targets) != len(self.inputs):
            raise ValueError(
                "Expected as many `targets` as `inputs`. Received: "
                f"inputs with shape {self.inputs.shape}, targets with shape {self.targets.shape}"
            )
        self.every = every
        self.scale = scale
        self.paths = []

    def write(self, path):
        """Writes the grid of the current model to `path` (atomically)."""
        outputs = self.model.translate(self.inputs)
        columns = [self.inputs, outputs]
        if self.targets is not None:
            columns.append(self.targets)
        elif hasattr(self.model, "cycle"):
            columns.append(self.model.cycle(self.inputs))
        rows = np.stack([_rgb(column) for column in columns], axis=1)
        rows = rows.reshape((-1,) + rows.shape[2:])
        return save_image_grid(path, rows, len(columns), value_range=(-1.0, 1.0), scale=self.scale)

    def on_epoch_end(self, epoch, logs=None):
        last = self.params.get("epochs") if self.params else None
        if (epoch + 1) % self.every == 0 or epoch + 1 == last:
            path = os.path.join(self.folder, f"translations_epoch_{epoch + 1:03d}.png")
            self.paths.append(self.write(path))
