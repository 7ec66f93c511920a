"""The shared base of our `keras.utils.PyDataset`s: seeded, epoch-aware batches."""

import keras
import numpy as np

from keras_gen.data.loader_checks import check_seed


class EpochDataset(keras.utils.PyDataset):
    """Batches that depend only on `(seed, epoch, batch index)`.

    Every random choice is drawn from a generator seeded with those three
    numbers, so a batch is the same whichever worker builds it and whenever
    Keras asks for it (TensorFlow peeks at batch 0 to learn the shapes).
    The epoch moves on after every batch has been served (`fit` calls
    `on_epoch_end`); `set_epoch(k)` selects one directly.
    """

    def __init__(self, count, batch_size, shuffle, seed, drop_remainder, **kwargs):
        super().__init__(**kwargs)
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"Expected `batch_size` to be an integer >= 1. Received: batch_size={batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = check_seed(seed)
        self.drop_remainder = bool(drop_remainder)
        self.count = int(count)
        if drop_remainder and self.count < self.batch_size:
            raise ValueError(
                f"Expected `batch_size` <= the number of samples ({self.count}) when "
                f"drop_remainder=True. Received: batch_size={batch_size}"
            )
        self.epoch = 0
        self._served = set()
        self._orders = {}

    def __len__(self):
        if self.drop_remainder:
            return self.count // self.batch_size
        return -(-self.count // self.batch_size)

    def on_epoch_end(self):
        # Keras also begins and ends "epochs" that read one batch (the JAX and
        # torch trainers peek at the data to build the model; `reset()` ends
        # one): only a full pass over the batches moves on to new draws.
        if len(self._served) >= len(self):
            self.set_epoch(self.epoch + 1)

    def set_epoch(self, epoch):
        """Selects the epoch whose shuffles and draws the batches come from."""
        self.epoch = int(epoch)
        self._orders.clear()
        self._served.clear()

    def order(self, size, stream=0):
        """This epoch's order of `size` items (a permutation when shuffling), cycled to `count`."""
        key = (size, stream)
        if key not in self._orders:
            if not self.shuffle:
                order = np.arange(self.count) % size
            else:
                rng = np.random.default_rng([self.seed, self.epoch, stream])
                repeats = -(-self.count // size)
                order = np.concatenate([rng.permutation(size) for _ in range(repeats)])[: self.count]
            self._orders[key] = order
        return self._orders[key]

    def batch_rows(self, index, size, stream=0):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        self._served.add(index)
        return self.order(size, stream)[index * self.batch_size : (index + 1) * self.batch_size]

    def batch_rng(self, index):
        return np.random.default_rng([self.seed, self.epoch, 1000 + index])
