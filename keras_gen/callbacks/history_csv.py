"""Every epoch's metrics, train and validation, in a CSV file rewritten after each epoch."""

import csv
import os

import keras

from keras_gen.utils import atomic_path

__all__ = ["HistoryCSV", "epoch_values"]


def epoch_values(logs):
    """The scalar entries of an epoch's `logs` as Python floats (others are left out)."""
    values = {}
    for key, value in (logs or {}).items():
        try:
            values[key] = float(keras.ops.convert_to_numpy(value))
        except (TypeError, ValueError):
            continue  # a non-scalar log entry has no place in a table
    return values


class HistoryCSV(keras.callbacks.Callback):
    """Writes `history.csv`: one row per epoch, one column per metric.

    Unlike `keras.callbacks.CSVLogger`, the file is rewritten whole (and
    atomically) after every epoch, so it is always complete and readable
    while training runs; columns are added as metrics appear (validation
    metrics arrive with the first validation epoch). When the same callback
    sees more than one `fit` (a DBN's layers, a DBM's or a stacked
    autoencoder's pretraining before the joint training), the rows go on and
    a `stage` column names the model each row belongs to.

    Args:
        path: the `.csv` file to write; its folder must exist.

    Returns:
        A `keras.callbacks.Callback`; `rows` holds what was written.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    >>> path = os.path.join(tempfile.mkdtemp(), "history.csv")
    >>> _ = model.fit(x, y, epochs=2, validation_data=(x, y), verbose=0,
    ...               callbacks=[HistoryCSV(path)])
    >>> open(path).readline().strip()
    'epoch,loss,mae,val_loss,val_mae'
    >>> len(open(path).readlines())  # the header and two epochs
    3

    Reference: `keras.callbacks.CSVLogger`, which appends instead.
    """

    def __init__(self, path):
        super().__init__()
        self.path = os.fspath(path)
        self.rows = []
        self._stages = []

    def on_train_begin(self, logs=None):
        self._stages.append(getattr(self.model, "name", "model"))

    def on_epoch_end(self, epoch, logs=None):
        row = {"stage": self._stages[-1] if self._stages else "model", "epoch": epoch + 1}
        row.update(epoch_values(logs))
        self.rows.append(row)
        self.write()

    def columns(self):
        """The header: `stage` (only with several stages), `epoch`, then the metrics."""
        names = []
        for row in self.rows:
            names.extend(key for key in row if key not in names and key not in ("stage", "epoch"))
        trained = [name for name in names if not name.startswith("val_")]
        names = trained + [name for name in names if name.startswith("val_")]
        stages = len(self._stages) > 1
        return (["stage"] if stages else []) + ["epoch"] + names

    def write(self):
        """Writes the rows so far (atomically); returns the path."""
        columns = self.columns()
        with atomic_path(self.path, suffix=".csv") as tmp:
            with open(tmp, "w", newline="") as handle:
                writer = csv.DictWriter(handle, columns, extrasaction="ignore")
                writer.writeheader()
                for row in self.rows:
                    writer.writerow({key: row.get(key, "") for key in columns})
        return self.path

