"""Batches from two unpaired image domains, with CycleGAN's jitter and mirroring."""

from keras_gen.data.epoch_dataset import EpochDataset
from keras_gen.data.image_to_image import _check_batch
from keras_gen.data.image_to_image import random_jitter

__all__ = ["UnpairedImageDataset"]


class UnpairedImageDataset(EpochDataset):
    """A `keras.utils.PyDataset` of `(a, b)` batches from two unpaired domains.

    An epoch covers the larger domain once; the smaller one is reshuffled
    and repeated to match. The two domains are shuffled and augmented
    independently (jitter and mirroring, as in the CycleGAN reference
    code), seeded by `(seed, epoch, batch index)`.

    Args:
        a: float images of domain A (N_a, H, W, C), e.g. from `load_unpaired`.
        b: float images of domain B (N_b, H, W, C), same H, W and C.
        batch_size: images of each domain per batch (CycleGAN uses 1).
        augment: apply jitter and mirroring; `False` gives plain batches.
        jitter_size: see `random_jitter` (default 286/256 of the size).
        mirror: flip images left-right at random.
        shuffle: reshuffle each domain every epoch.
        seed: integer seed of the shuffles and the augmentation.
        drop_remainder: drop the last, smaller batch (fixed step shapes).
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Example:

    >>> import numpy as np
    >>> a, b = np.zeros((5, 16, 16, 3)), np.ones((3, 16, 16, 3))
    >>> data = UnpairedImageDataset(a, b, batch_size=1)
    >>> batch_a, batch_b = data[0]
    >>> len(data), batch_a.shape, float(batch_b.min())
    (5, (1, 16, 16, 3), 1.0)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    def __init__(self, a, b, batch_size=1, augment=True, jitter_size=None, mirror=True,
                 shuffle=True, seed=0, drop_remainder=True, **kwargs):
        self.a = _check_batch("a", a)
        self.b = _check_batch("b", b)
        if self.a.shape[1:] != self.b.shape[1:]:
            raise ValueError(
                "Expected `a` and `b` images to share height, width and channels. "
                f"Received: a {self.a.shape} and b {self.b.shape}"
            )
        self.augment = bool(augment)
        self.jitter_size = jitter_size
        self.mirror = bool(mirror)
        if self.augment:
            random_jitter(self.a[:1], jitter_size=jitter_size, seed=0)
        super().__init__(max(len(self.a), len(self.b)), batch_size, shuffle, seed, drop_remainder,
                         **kwargs)

    def __getitem__(self, index):
        a = self.a[self.batch_rows(index, len(self.a), stream=0)]
        b = self.b[self.batch_rows(index, len(self.b), stream=1)]
        if self.augment:
            rng = self.batch_rng(index)
            a = random_jitter(a, jitter_size=self.jitter_size, mirror=self.mirror, seed=rng)
            b = random_jitter(b, jitter_size=self.jitter_size, mirror=self.mirror, seed=rng)
        return a, b
