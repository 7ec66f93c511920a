"""Fault-tolerant training: back up the whole training state, resume after a crash."""

import json
import os
import shutil

import keras
import numpy as np

from keras_gen.distribute.tf_config import is_chief
from keras_gen.distribute.tf_config import read_tf_config
from keras_gen.utils import atomic_path

__all__ = ["BackupAndRestore"]

_METADATA = "training_metadata.json"


def _extra_state(model):
    # Seed generator states: `save_weights` leaves them out, so a resumed run
    # would replay the noise of its first epoch instead of drawing new noise.
    saved = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in saved]


def _identity(model):
    # What a backup must match to be loadable: the class and every state
    # variable's shape and dtype, in order (model weights, optimizer slots,
    # seeds). Paths are left out: layer names are numbered per session.
    variables = list(model.weights) + _extra_state(model)
    if model.optimizer is not None:
        variables += list(model.optimizer.variables)
    return {
        "class": f"{type(model).__module__}.{type(model).__qualname__}",
        "variables": [[list(v.shape), str(v.dtype)] for v in variables],
    }


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that survives `kill -9` and clusters.

    Backs up the model's weights, every optimizer's state (all members of an
    `OptimizerGroup`: generator and discriminator Adam moments), the seed
    generator states (Keras's `save_weights` leaves them out, so a resumed
    run would replay old noise) and the epoch reached; `fit` with the same
    callback after a crash resumes from the last backup. With
    `save_freq="epoch"` it starts the epoch after the last finished one;
    with an integer `save_freq` (batches) the backup is taken inside an
    epoch, and Keras can only start a fit at an epoch's beginning: the
    resumed fit runs that epoch's first batches again (up to an epoch of
    steps recomputed) and then, at the batch of the backup, loads the backup
    once more, so those replayed steps are discarded and training goes on
    from where the backup was taken. The steps after the last backup are
    lost (at most `save_freq` of them, recomputed by the resumed fit).

    The resumed state equals the uninterrupted run's when the batches do
    too: keras-gen models' `fit` then feeds NumPy arrays through a
    `keras_gen.data.DeviceDataset`, whose shuffles depend on (seed, epoch)
    only, started at the resumed epoch (`resume_epoch()`); a
    `keras_gen.data` epoch dataset is moved to that epoch as well. Keras's
    own shuffling of arrays (other models, `set_device_feed("never")`)
    differs after a restart. Over Keras's callback it adds:

    - crash consistency: each backup is written to a new file and a small
      metadata file naming it is renamed into place last, so a process killed
      while writing leaves the previous backup intact;
    - a clear error when the folder holds the backup of another model (a
      different class or different variable shapes), before anything loads;
    - multi-worker training: only the chief (see
      `keras_gen.distribute.is_chief`) writes; every worker restores from the
      shared folder;
    - a damaged backup (truncated, not HDF5) is reported as a `ValueError`
      naming the file, after the previous one (`double_checkpoint=True`)
      was tried.

    Args:
        backup_dir: folder for the backup (created if missing). Use one folder
            per training run.
        save_freq: `"epoch"` or an integer number of batches between backups.
        double_checkpoint: keep the previous backup too, used when the latest
            cannot be read.
        delete_checkpoint: delete the folder when training ends normally.

    Returns:
        A callback for `model.fit(callbacks=[...])`.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> backup = BackupAndRestore(os.path.join(tempfile.mkdtemp(), "backup"))
    >>> class Crash(keras.callbacks.Callback):  # a crash at the start of epoch 3
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 2:
    ...             raise RuntimeError("killed")
    >>> try:
    ...     _ = model.fit(x, y, epochs=5, verbose=0, callbacks=[backup, Crash()])
    ... except RuntimeError:
    ...     sorted(os.listdir(backup.backup_dir))
    ['backup-1.weights.h5', 'training_metadata.json']
    >>> history = model.fit(x, y, epochs=5, verbose=0, callbacks=[backup])
    >>> len(history.history["loss"])  # resumed after epoch 2: epochs 3 to 5
    3
    >>> os.path.exists(backup.backup_dir)  # deleted when training ends normally
    False

    Reference: Keras `BackupAndRestore`; TensorFlow guide "Multi-worker
    training with Keras", fault tolerance.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__(
            backup_dir,
            save_freq=save_freq,
            double_checkpoint=double_checkpoint,
            delete_checkpoint=delete_checkpoint,
        )
        self._chief = is_chief(read_tf_config())
        self._metadata_path = os.path.join(self.backup_dir, _METADATA)

    def _read_metadata(self):
        if not os.path.exists(self._metadata_path):
            return None
        try:
            with open(self._metadata_path) as file:
                return json.load(file)
        except (ValueError, UnicodeDecodeError) as error:
            raise ValueError(
                f"Expected `backup_dir` to hold a readable backup. Received: "
                f"backup_dir={self.backup_dir!r} with a damaged {_METADATA} ({error}); "
                "delete the folder to start over"
            ) from None

    def resume_epoch(self):
        """The epoch a `fit` with this callback starts at (0 without a backup).

        Returns:
            An int.
        """
        metadata = self._read_metadata()
        return 0 if metadata is None else int(metadata.get("epoch", 0))

    def _check_identity(self, metadata):
        stored = metadata.get("model")
        expected = _identity(self.model)
        if stored != expected:
            stored_class = (stored or {}).get("class", "unknown")
            detail = "a different class" if stored_class != expected["class"] else (
                "the same class with different variables (another configuration)"
            )
            raise ValueError(
                f"Expected `backup_dir` to hold a backup of {expected['class']}, but it "
                f"holds one of {stored_class}: {detail}. Use a new folder for each "
                f"model, or delete the old backup. Received: backup_dir={self.backup_dir!r}"
            )

    def on_train_begin(self, logs=None):
        self._replay = (None, None)
        if not self.model.built:
            raise ValueError(
                "Expected the model to be built before fit() with BackupAndRestore "
                f"(call it on a batch first). Received: model={self.model.name!r} (unbuilt)"
            )
        metadata = self._read_metadata()
        if metadata is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self._check_identity(metadata)
        candidates = [metadata] + ([metadata["previous"]] if metadata.get("previous") else [])
        for index, entry in enumerate(candidates):
            try:
                self._load(entry)
            except (OSError, ValueError, KeyError) as error:
                if index == len(candidates) - 1:
                    raise ValueError(
                        f"Expected `backup_dir` to hold a readable backup. Received: "
                        f"backup_dir={self.backup_dir!r} whose {entry.get('weights')!r} is "
                        f"damaged ({' '.join(str(error).split())[:200]}); delete the folder "
                        "to start over"
                    ) from None
                continue
            self.model._initial_epoch = entry["epoch"]
            self._current_epoch = entry["epoch"]
            # A backup taken inside an epoch: its first batches run again, and
            # the backup is loaded once more after them (see the class docstring).
            self._replay = (entry, entry.get("in_epoch_batch"))
            return

    def _load(self, entry):
        self.model.load_weights(os.path.join(self.backup_dir, entry["weights"]))
        for variable, value in zip(_extra_state(self.model), entry.get("extra_state", [])):
            variable.assign(np.asarray(value, dtype=variable.dtype))

    def on_epoch_end(self, epoch, logs=None):
        self._epoch_end = True
        super().on_epoch_end(epoch, logs)
        self._epoch_end = False

    def on_train_batch_end(self, batch, logs=None):
        entry, replay_until = self._replay
        if replay_until is None:
            super().on_train_batch_end(batch, logs)
            return
        if batch < replay_until:
            return  # a replayed step: discarded below, never backed up
        self._replay = (None, None)
        if hasattr(self.model, "jax_state_sync"):
            self.model.jax_state_sync()  # JAX: the state lives outside the variables
        self._load(entry)
        self._last_batch_seen = batch
        self._batches_seen_since_last_saving = 0

    def _save_model(self):
        if not self._chief:
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        previous = self._read_metadata()
        step = 0 if previous is None else previous.get("save", 0) + 1
        weights = f"backup-{step}.weights.h5"
        with atomic_path(os.path.join(self.backup_dir, weights), suffix=".weights.h5") as tmp:
            self.model.save_weights(tmp, overwrite=True)
        entry = {"epoch": self._current_epoch, "batch": self._last_batch_seen,
                 "in_epoch_batch": None if getattr(self, "_epoch_end", False)
                 else self._last_batch_seen,
                 "weights": weights, "save": step,
                 "extra_state": [keras.ops.convert_to_numpy(v).tolist()
                                 for v in _extra_state(self.model)]}
        kept = {weights}
        if self.double_checkpoint and previous is not None:
            entry["previous"] = {key: previous[key] for key in
                                 ("epoch", "batch", "in_epoch_batch", "weights") if key in previous}
            entry["previous"]["extra_state"] = previous.get("extra_state", [])
            kept.add(previous["weights"])
        entry["model"] = _identity(self.model)
        # The metadata names the backup to load: renaming it into place is the
        # moment the new backup takes over.
        with atomic_path(self._metadata_path) as tmp:
            with open(tmp, "w") as file:
                json.dump(entry, file)
        for name in os.listdir(self.backup_dir):
            if name.startswith("backup-") and name.endswith(".weights.h5") and name not in kept:
                os.remove(os.path.join(self.backup_dir, name))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and self._chief and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

