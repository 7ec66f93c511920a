"""Batches of image pairs with Pix2Pix's random jitter and mirroring."""

from keras_gen.data.epoch_dataset import EpochDataset
from keras_gen.data.image_to_image import _check_batch
from keras_gen.data.image_to_image import random_jitter

__all__ = ["PairedImageDataset"]


class PairedImageDataset(EpochDataset):
    """A `keras.utils.PyDataset` of `(inputs, targets)` batches for `model.fit`.

    Each batch is jittered (resized up, randomly cropped back) and mirrored,
    the same way for both images of a pair so that they stay aligned. Batches
    depend only on `(seed, epoch, batch index)`: reproducible, and new every
    epoch.

    Args:
        inputs: float images (N, H, W, C), e.g. in [-1, 1] from `load_paired`.
        targets: the paired images (N, H, W, C'), same N, H and W.
        batch_size: pairs per batch (Pix2Pix uses 1).
        augment: apply jitter and mirroring; `False` gives plain batches
            (for test data).
        jitter_size: see `random_jitter` (default 286/256 of the size).
        mirror: flip pairs left-right at random.
        shuffle: reshuffle the pairs every epoch.
        seed: integer seed of the shuffles and the augmentation.
        drop_remainder: drop the last, smaller batch, so that every step has
            the same shape (no retracing under `jit_compile`).
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Example:

    >>> import numpy as np
    >>> inputs = np.zeros((5, 16, 16, 3), "float32")
    >>> data = PairedImageDataset(inputs, inputs, batch_size=2)
    >>> x, y = data[0]
    >>> len(data), x.shape, y.shape
    (2, (2, 16, 16, 3), (2, 16, 16, 3))

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017.
    """

    def __init__(self, inputs, targets, batch_size=1, augment=True, jitter_size=None, mirror=True,
                 shuffle=True, seed=0, drop_remainder=True, **kwargs):
        self.inputs = _check_batch("inputs", inputs)
        self.targets = _check_batch("targets", targets)
        if self.inputs.shape[:3] != self.targets.shape[:3]:
            raise ValueError(
                "Expected `inputs` and `targets` to hold as many images of the same height and "
                f"width. Received: inputs {self.inputs.shape} and targets {self.targets.shape}"
            )
        self.augment = bool(augment)
        self.jitter_size = jitter_size
        self.mirror = bool(mirror)
        if self.augment:  # check jitter_size now rather than at the first batch
            random_jitter(self.inputs[:1], jitter_size=jitter_size, seed=0)
        super().__init__(len(self.inputs), batch_size, shuffle, seed, drop_remainder, **kwargs)

    def __getitem__(self, index):
        rows = self.batch_rows(index, self.count)
        inputs, targets = self.inputs[rows], self.targets[rows]
        if self.augment:
            inputs, targets = random_jitter(inputs, targets, jitter_size=self.jitter_size,
                                            mirror=self.mirror, seed=self.batch_rng(index))
        return inputs, targets
