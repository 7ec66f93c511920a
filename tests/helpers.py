"""Assertions shared by the tests."""

import keras
import numpy as np


def assert_models_identical(model_a, model_b, inputs, method=None, atol=0.0):
    """Outputs of two models (or of one of their methods) are identical."""
    call_a = getattr(model_a, method) if method else model_a
    call_b = getattr(model_b, method) if method else model_b
    out_a = keras.ops.convert_to_numpy(call_a(inputs))
    out_b = keras.ops.convert_to_numpy(call_b(inputs))
    np.testing.assert_allclose(out_a, out_b, atol=atol, rtol=0)


def assert_run_layout(run, picture, max_pixels=1600):
    """Every family's run folder has one layout, with pictures sized for a screen.

    The model and the run, data and metrics records; the training record
    (`history.csv` with a row per epoch, `curves.png`, TensorBoard logs when
    `tensorboard` is installed); `picture` (samples, translations or
    reconstructions); `run.json` lists what `train` wrote.
    """
    import csv
    import json
    import os

    from PIL import Image

    from keras_gen.callbacks.tensorboard_logger import tensorboard_available

    for name in ("model.keras", "run.json", "data.json", "metrics.json", "history.csv",
                 "curves.png", picture):
        assert os.path.getsize(os.path.join(run, name)) > 0, name
    with open(os.path.join(run, "history.csv")) as handle:
        rows = list(csv.DictReader(handle))
    assert rows and rows[0]["epoch"] == "1"
    with open(os.path.join(run, "run.json")) as handle:
        files = json.load(handle)["files"]
    assert {picture, "history.csv", "curves.png", "model.keras"} <= set(files)
    if tensorboard_available():
        assert any(name.startswith("tensorboard/train/events.out.tfevents") for name in files)
    for name in files:
        if name.endswith(".png"):
            with Image.open(os.path.join(run, name)) as image:
                assert max(image.size) <= max_pixels, (name, image.size)
