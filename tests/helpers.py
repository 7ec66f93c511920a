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


def _seed_states(model):
    from keras_gen.utils.seed_state import SavesSeedState
    from keras_gen.utils.seed_state import owned_seed_generators

    return [
        keras.ops.convert_to_numpy(generator.state)
        for layer in model._flatten_layers(include_self=True)
        if isinstance(layer, SavesSeedState)
        for generator in owned_seed_generators(layer)
    ]


def _optimizer_state(model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not optimizer.built:
        return []  # an optimizer that never stepped is built afresh on loading
    return [keras.ops.convert_to_numpy(v) for v in optimizer.variables]


def assert_round_trip(model, path, outputs=None, train=None, atol=0.0):
    """Saves `model` to `path`, loads it, and checks that the loaded model is the same.

    - The states of the seed generators that the model and its layers own
      (`GenerativeModel`, `ImagePool`) and the optimizer state come back equal.
    - Each of `outputs` (label -> function of a model returning an array,
      e.g. `lambda m: m.sample(3)`) gives identical results on both models,
      called in turn; a verb drawing from the model's generator (`seed=None`)
      agrees only if the seed state came back.
    - `train` (a function of a model that fits it for one step), run on the
      loaded model, moves its weights or optimizer state on and keeps them finite.

    Returns:
        The loaded model.
    """
    from keras_gen.models import load_model

    model.save(path)
    restored = load_model(path)
    assert type(restored) is type(model)
    for saved, loaded in zip(_seed_states(model), _seed_states(restored), strict=True):
        np.testing.assert_array_equal(saved, loaded, err_msg="seed state")
    saved_optimizer = _optimizer_state(model)
    for saved, loaded in zip(saved_optimizer, _optimizer_state(restored)[: len(saved_optimizer)],
                             strict=True):
        np.testing.assert_array_equal(saved, loaded, err_msg="optimizer state")
    for label, output in (outputs or {}).items():
        np.testing.assert_allclose(np.asarray(output(model)), np.asarray(output(restored)),
                                   atol=atol, rtol=0, err_msg=label)
    if train is not None:
        before = _state(restored)
        train(restored)
        after = _state(restored)
        # Weights, or at least the optimizer's step (a learning rate decayed to 0).
        assert any(not np.array_equal(b, a) for b, a in zip(before, after)), "training did not continue"
        assert all(np.isfinite(a).all() for a in after), "training diverged"
    return restored


def _state(model):
    return [keras.ops.convert_to_numpy(v) for v in model.trainable_variables] + _optimizer_state(model)


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


def assert_dropout_layers_differ(classifier, count):
    """`dropout_0` .. `dropout_{count-1}` of `classifier` draw different masks for the same input."""
    ones = np.ones((16, 64), "float32")
    masks = [keras.ops.convert_to_numpy(classifier.get_layer(f"dropout_{i}")(ones, training=True)) > 0
             for i in range(count)]
    # Layers built from one seed draw one stream: the same mask for the same shape.
    assert all((first != second).any() for first, second in zip(masks, masks[1:]))
