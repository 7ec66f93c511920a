"""TensorBoard event files from any backend: scalars every epoch, pictures every few."""

import io
import itertools
import os
import socket
import time

import keras
import numpy as np

from keras_gen.callbacks.history_csv import epoch_values
from keras_gen.utils import check_positive_int
from keras_gen.utils.images import image_grid

__all__ = ["TensorBoardLogger", "tensorboard_available"]

_WRITER_IDS = itertools.count()


def tensorboard_available():
    """Whether the `tensorboard` package (which writes and shows the logs) is installed."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


class _EventFile:
    """One TensorBoard event file, written record by record.

    Built on tensorboard's own protocol buffers and record writer, neither
    of which imports TensorFlow, so JAX and torch runs log the same way.
    An event file is a log that TensorBoard reads while it grows: each
    record is flushed as written, and a reader skips a truncated last one.
    """

    def __init__(self, folder):
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.proto import summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter

        self._event, self._summary = event_pb2.Event, summary_pb2.Summary
        os.makedirs(folder, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_WRITER_IDS)}.v2")
        self._handle = open(os.path.join(folder, name), "wb")
        self._records = RecordWriter(self._handle)
        self._write(self._event(wall_time=time.time(), file_version="brain.Event:2"))

    def _write(self, event):
        self._records.write(event.SerializeToString())
        self._handle.flush()

    def scalars(self, values, step):
        summary = self._summary(value=[self._summary.Value(tag=tag, simple_value=value)
                                       for tag, value in values.items()])
        self._write(self._event(wall_time=time.time(), step=int(step), summary=summary))

    def image(self, tag, picture, step):
        from PIL import Image

        buffer = io.BytesIO()
        Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(buffer, "PNG")
        image = self._summary.Image(height=picture.shape[0], width=picture.shape[1],
                                    colorspace=picture.shape[-1],
                                    encoded_image_string=buffer.getvalue())
        summary = self._summary(value=[self._summary.Value(tag=tag, image=image)])
        self._write(self._event(wall_time=time.time(), step=int(step), summary=summary))

    def close(self):
        self._records.close()


class TensorBoardLogger(keras.callbacks.Callback):
    """Writes TensorBoard logs: every metric each epoch, a picture every few epochs.

    Training metrics go to `log_dir/train`, validation ones (`val_x`, logged
    as `x`) to `log_dir/validation`, so TensorBoard draws them on one chart,
    as with `keras.callbacks.TensorBoard`. Unlike that callback it needs
    only the `tensorboard` package, not TensorFlow, and works the same on
    JAX and torch. The step is the epoch counted over every `fit` the
    callback sees, so layer-by-layer pretraining and the joint training
    that follows make one time line. Watch with `tensorboard --logdir LOG_DIR`.

    Args:
        log_dir: folder for the event files.
        images: `None`, or a function `model -> images` returning a batch
            (N, H, W[, C]) in `value_range` (e.g. samples of fixed noise),
            tiled into one grid and logged under `image_tag`.
        every: log the picture every this many epochs (and after the last).
        value_range: range of what `images` returns.
        columns: images per row of the grid (default near square).
        scale: integer upscaling of the grid (nearest neighbour).
        image_tag: the picture's name in TensorBoard.

    Returns:
        A `keras.callbacks.Callback`; `log_dir` holds `train/` and
        `validation/` event files.

    Example:

    >>> import tempfile
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x = np.random.default_rng(0).random((8, 4)).astype("float32")
    >>> logger = TensorBoardLogger(tempfile.mkdtemp(), every=2,
    ...                            images=lambda m: m.predict(x, verbose=0).reshape(8, 2, 2))
    >>> _ = model.fit(x, x, epochs=3, validation_data=(x, x), verbose=0, callbacks=[logger])
    >>> sorted(os.listdir(logger.log_dir))
    ['train', 'validation']
    >>> logger.image_steps  # every 2 epochs and the last
    [2, 3]
    """

    def __init__(self, log_dir, images=None, every=1, value_range=(0.0, 1.0), columns=None,
                 scale=1, image_tag="samples"):
        super().__init__()
        if not tensorboard_available():
            raise ImportError("TensorBoardLogger needs the `tensorboard` package: "
                              "pip install tensorboard (or keras-gen[tensorflow]).")
        if images is not None and not callable(images):
            raise ValueError("Expected `images` to be None or a function model -> images. "
                             f"Received: images={images!r}")
        self.log_dir = os.fspath(log_dir)
        self.images = images
        self.every = check_positive_int("every", every)
        self.value_range = tuple(value_range)
        self.columns = columns
        self.scale = check_positive_int("scale", scale)
        self.image_tag = image_tag
        self.image_steps = []
        self._step = 0
        self._files = {}

    def _file(self, part):
        if part not in self._files:
            self._files[part] = _EventFile(os.path.join(self.log_dir, part))
        return self._files[part]

    def on_epoch_end(self, epoch, logs=None):
        self._step += 1
        values = epoch_values(logs)
        train = {key: value for key, value in values.items() if not key.startswith("val_")}
        validation = {key[4:]: value for key, value in values.items() if key.startswith("val_")}
        if train:
            self._file("train").scalars(train, self._step)
        if validation:
            self._file("validation").scalars(validation, self._step)
        last = self.params.get("epochs") if self.params else None
        if self.images is not None and ((epoch + 1) % self.every == 0 or epoch + 1 == last):
            grid = image_grid(np.asarray(self.images(self.model)), columns=self.columns,
                              value_range=self.value_range)
            if self.scale > 1:
                grid = grid.repeat(self.scale, axis=0).repeat(self.scale, axis=1)
            self._file("train").image(self.image_tag, grid, self._step)
            self.image_steps.append(self._step)

    def on_train_end(self, logs=None):
        for handle in self._files.values():
            handle.close()
        self._files = {}
