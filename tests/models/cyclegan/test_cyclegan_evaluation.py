"""`evaluate()` and `fit(validation_data=...)` of CycleGAN."""

import keras
import numpy as np
import pytest

from keras_gen.models.cyclegan import CycleGAN


def state(model):
    """Every weight (the history pools included) and optimizer variable."""
    variables = [v for v in model.weights if "seed_generator" not in v.path]
    return [keras.ops.convert_to_numpy(v) for v in variables + model.optimizer.variables]


def domains(count=4, size=8):
    rng = np.random.default_rng(0)
    return (rng.uniform(-1, 1, (count, size, size, 3)).astype("float32"),
            rng.uniform(-1, 1, (count, size, size, 3)).astype("float32"))


def tiny(**kwargs):
    model = CycleGAN(image_size=8, generator_filters=4, discriminator_filters=4,
                     residual_blocks=1, pool_size=2, seed=0, **kwargs)
    model.compile()
    return model


def test_evaluate_changes_nothing(backend):
    model = tiny()
    a, b = domains()
    history = model.fit(a, b, batch_size=2, validation_data=(a[:2], b[:2]), verbose=0)
    assert np.isfinite([history.history.pop(key) for key in ("val_d_loss", "val_g_loss")]).all()
    before = state(model)
    first = model.evaluate(a, b, batch_size=2, verbose=0, return_dict=True)
    second = model.evaluate(a, b, batch_size=2, verbose=0, return_dict=True)
    after = state(model)
    assert len(before) == len(after)
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)  # the pools too: neither read nor filled
    assert set(first) == set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(value) for value in first.values())
    np.testing.assert_allclose(list(first.values()), list(second.values()), rtol=1e-6)


def test_losses_use_this_batch_and_the_weights(backend):
    """Without identity loss, `g_loss` is the least-squares adversarial loss
    plus lambda times the cycle loss of `translate()`/`cycle()`."""
    model = tiny(identity_weight=0.0)
    a, b = domains()
    # Full history pools, which evaluation must not draw from.
    model.pool_a(np.ones_like(a)), model.pool_b(-np.ones_like(b))
    assert float(keras.ops.convert_to_numpy(model.pool_a.count)) == 2
    logs = model.evaluate(a, b, batch_size=4, verbose=0, return_dict=True)
    fake_b, fake_a = model.translate(a), model.translate(b, direction="b_to_a")
    cycle = (np.abs(model.cycle(a) - a).mean()
             + np.abs(model.cycle(b, direction="b_to_a") - b).mean())

    def scores(discriminator, images):
        return keras.ops.convert_to_numpy(discriminator(images, training=False))

    adversarial = (np.square(scores(model.discriminator_b, fake_b) - 1).mean()
                   + np.square(scores(model.discriminator_a, fake_a) - 1).mean())
    np.testing.assert_allclose(logs["g_loss"], adversarial + model.cycle_weight * cycle,
                               rtol=1e-5)
    d_loss = 0.5 * sum(np.square(scores(d, real) - 1).mean() + np.square(scores(d, fake)).mean()
                       for d, real, fake in ((model.discriminator_a, a, fake_a),
                                             (model.discriminator_b, b, fake_b)))
    np.testing.assert_allclose(logs["d_loss"], d_loss, rtol=1e-5)


def test_bad_evaluation_data(backend):
    model = tiny()
    a, b = domains()
    with pytest.raises(ValueError, match="`b`"):
        model.evaluate(a, b[:3], verbose=0)
    with pytest.raises(ValueError, match="`a`"):
        model.fit(a, b, validation_data=(a[:, :4], b), verbose=0)
