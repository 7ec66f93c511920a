"""A PNG of the loss and metric curves, redrawn after every epoch."""

import math
import os
import time

import keras

from keras_gen.callbacks.history_csv import epoch_values
from keras_gen.utils import atomic_path
from keras_gen.utils import check_positive_int

__all__ = ["TrainingCurves"]


class TrainingCurves(keras.callbacks.Callback):
    """Draws every metric against the epoch, train solid and validation dashed.

    One panel per metric (`loss`, `d_loss`, `reconstruction_error`, ...;
    `val_x` shares the panel of `x`), redrawn after every epoch so the
    picture can be watched while training runs; when epochs are so short
    that drawing (a few tenths of a second) would take more than a tenth of
    the time, it is redrawn less often, and always when `fit` ends. When the callback sees more
    than one `fit` (layer-by-layer pretraining, then joint training), the
    stages follow each other along the x axis, each in its own colour,
    separated by a vertical line. The picture fits a screen: at most
    `columns` panels of 4 x 3 inches at 100 dpi a row.

    Args:
        path: the `.png` to write; its folder must exist.
        columns: panels per row.

    Returns:
        A `keras.callbacks.Callback`; `rows` holds `(stage, logs)` per epoch.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from PIL import Image
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
    >>> _ = model.fit(x, y, epochs=3, validation_data=(x, y), verbose=0,
    ...               callbacks=[TrainingCurves(path)])
    >>> Image.open(path).size  # two panels: loss and mae
    (800, 300)
    """

    def __init__(self, path, columns=3):
        super().__init__()
        self.path = os.fspath(path)
        self.columns = check_positive_int("columns", columns)
        self.rows = []
        self._stages = []
        self._next_draw = 0.0
        self._drawn = 0

    def on_train_begin(self, logs=None):
        self._stages.append(getattr(self.model, "name", "model"))

    def on_epoch_end(self, epoch, logs=None):
        self.rows.append((len(self._stages) - 1, epoch_values(logs)))
        if time.monotonic() >= self._next_draw:
            self._timed_draw()

    def on_train_end(self, logs=None):
        if self._drawn < len(self.rows):
            self._timed_draw()

    def _timed_draw(self):
        # Wait ten drawing times before the next one: drawing stays under ~10 %.
        start = time.monotonic()
        self.draw()
        self._next_draw = time.monotonic() + 9 * (time.monotonic() - start)

    def _panels(self):
        names = []
        for _, values in self.rows:
            for key in values:
                base = key[4:] if key.startswith("val_") else key
                if base not in names:
                    names.append(base)
        return names

    def draw(self):
        """Draws the curves so far (atomically); returns the path, or None before any epoch."""
        panels = self._panels()
        if not panels:
            return None
        self._drawn = len(self.rows)
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        columns = min(self.columns, len(panels))
        rows = math.ceil(len(panels) / columns)
        figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), dpi=100,
                                    squeeze=False)
        # Fixed margins: tight_layout would cost a third of the drawing time.
        figure.subplots_adjust(left=0.75 / (4 * columns), right=1 - 0.15 / (4 * columns),
                               bottom=0.45 / (3 * rows), top=1 - 0.35 / (3 * rows),
                               wspace=0.3, hspace=0.45)
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        several = len(self._stages) > 1
        for index, name in enumerate(panels):
            ax = axes[index // columns][index % columns]
            for stage in range(len(self._stages)):
                points = [(x + 1, values) for x, (s, values) in enumerate(self.rows) if s == stage]
                colour = colours[stage % len(colours)]
                for key, style in ((name, "-"), ("val_" + name, "--")):
                    xy = [(x, values[key]) for x, values in points
                          if key in values and math.isfinite(values[key])]
                    if xy:
                        label = ("validation" if key != name else "train") + (
                            f" ({self._stages[stage]})" if several else "")
                        ax.plot(*zip(*xy), style, color=colour, marker="." if len(xy) < 30 else None,
                                label=label)
                if several and points and stage:
                    ax.axvline(points[0][0] - 0.5, color="0.7", linewidth=0.8)
            ax.set_title(name)
            ax.set_xlabel("epoch" if not several else "epoch (all stages)")
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if ax.lines:
                ax.legend(fontsize=7)
        for index in range(len(panels), rows * columns):
            axes[index // columns][index % columns].axis("off")
        with atomic_path(self.path, suffix=".png") as tmp:
            figure.savefig(tmp, format="png")
        plt.close(figure)
        return self.path
