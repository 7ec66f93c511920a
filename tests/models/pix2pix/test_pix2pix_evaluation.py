"""`evaluate()` and `fit(validation_data=...)` of Pix2Pix."""

import keras
import numpy as np
import pytest

from keras_gen.models.pix2pix import Pix2Pix


def state(model):
    """Every weight and optimizer variable (not the dropout seed generators)."""
    variables = [v for v in model.weights if "seed_generator" not in v.path]
    return [keras.ops.convert_to_numpy(v) for v in variables + model.optimizer.variables]


def pairs(count=4, size=8):
    rng = np.random.default_rng(0)
    source = rng.uniform(-1, 1, (count, size, size, 3)).astype("float32")
    return source, np.tanh(2.0 * source[..., ::-1]).astype("float32")


def tiny(normalization="instance"):
    model = Pix2Pix(image_size=8, generator_filters=4, discriminator_filters=4,
                    normalization=normalization)
    model.compile()
    return model


@pytest.mark.parametrize("normalization", ["instance", "batch"])
def test_evaluate_changes_nothing(normalization, backend):
    model = tiny(normalization)
    source, target = pairs()
    history = model.fit(source, target, batch_size=2, verbose=0)
    before = state(model)
    first = model.evaluate(source, target, batch_size=2, verbose=0, return_dict=True)
    second = model.evaluate(source, target, batch_size=2, verbose=0, return_dict=True)
    after = state(model)
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert set(first) == set(history.history) == {"d_loss", "g_loss", "l1_loss"}
    assert all(np.isfinite(value) for value in first.values())
    # Dropout is off in inference mode: evaluation is deterministic.
    np.testing.assert_allclose(list(first.values()), list(second.values()), rtol=1e-6)


def test_losses_match_the_translation(backend):
    """`l1_loss` is the L1 distance of `translate()` to the targets, and
    `g_loss` its weighted sum with the generator's adversarial loss."""
    model = tiny()
    source, target = pairs()
    logs = model.evaluate(source, target, batch_size=4, verbose=0, return_dict=True)
    translated = model.translate(source)
    l1 = np.abs(translated - target).mean()
    np.testing.assert_allclose(logs["l1_loss"], l1, rtol=1e-5)
    logits = model.discriminator(np.concatenate([source, translated], -1), training=False)
    adversarial = keras.ops.convert_to_numpy(keras.ops.softplus(-logits)).mean()
    np.testing.assert_allclose(logs["g_loss"], adversarial + model.l1_weight * l1, rtol=1e-5)


def test_fit_logs_validation_losses(backend):
    model = tiny()
    source, target = pairs()
    history = model.fit(source, target, batch_size=2, epochs=2,
                        validation_data=(source[:2], target[:2]), verbose=0)
    for key in ("val_d_loss", "val_g_loss", "val_l1_loss"):
        assert len(history.history[key]) == 2 and np.isfinite(history.history[key]).all()


def test_bad_evaluation_data(backend):
    model = tiny()
    source, target = pairs()
    with pytest.raises(ValueError, match="target"):
        model.evaluate(source, target[:, :4, :4], verbose=0)
    with pytest.raises(ValueError, match="source"):
        model.fit(source, target, validation_data=(source[..., :1], target), verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer["generator"].iterations)) == 0


def test_loaded_model_evaluates_the_same(tmp_path, backend):
    from keras_gen.models import load_model

    model = tiny()
    source, target = pairs()
    path = str(tmp_path / "pix2pix.keras")
    model.save(path)
    logs = model.evaluate(source, target, batch_size=4, verbose=0, return_dict=True)
    restored = load_model(path).evaluate(source, target, batch_size=4, verbose=0,
                                         return_dict=True)
    np.testing.assert_allclose(list(restored.values()), list(logs.values()), rtol=1e-6)
