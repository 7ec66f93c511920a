"""Trains the two-optimizer toy model with BackupAndRestore, slowly, writing
its progress; the test kills it with SIGKILL mid-epoch and runs it again.

    python kill_and_resume_worker.py BACKUP_DIR PROGRESS_FILE OUT.npz
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.callbacks.backup_and_restore import BackupAndRestore  # noqa: E402
from keras_gen.utils import atomic_path  # noqa: E402

EPOCHS = 4
SAMPLES = 48
BATCH = 4


class Progress(keras.callbacks.Callback):
    """Records where training is, and how it started, for the parent test."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.first_epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.first_epoch is None:
            self.first_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.05)  # long enough epochs to land a kill mid-epoch
        with atomic_path(self.path) as tmp, open(tmp, "w") as file:
            json.dump({"epoch": self.epoch_now, "batch": batch,
                       "first_epoch": self.first_epoch}, file)

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_now = epoch + 1

    epoch_now = 0


def train(backup_dir=None, progress=None):
    from tests.trainers.toy_adversarial import ToyAdversarial

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    model = ToyAdversarial()
    for variable in model.trainable_weights:
        variable.assign(rng.normal(0, 0.5, variable.shape).astype("float32"))
    real = rng.normal(1.0, 0.3, (SAMPLES, 3)).astype("float32")
    noise = rng.normal(size=(SAMPLES, 2)).astype("float32")
    model.compile(generator_optimizer=keras.optimizers.Adam(0.01),
                  discriminator_optimizer=keras.optimizers.Adam(0.01))
    callbacks = []
    if backup_dir:
        callbacks.append(BackupAndRestore(backup_dir, delete_checkpoint=False))
    if progress:
        callbacks.append(progress)
    model.fit((real, noise), batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0,
              callbacks=callbacks)
    return model


def state(model):
    return {f"v{i}": keras.ops.convert_to_numpy(v)
            for i, v in enumerate(model.weights + model.optimizer.variables)}


if __name__ == "__main__":
    backup, progress_path, out = sys.argv[1:4]
    progress = Progress(progress_path)
    model = train(backup, progress)
    with atomic_path(out) as tmp:
        np.savez(tmp, first_epoch=progress.first_epoch, **state(model))
