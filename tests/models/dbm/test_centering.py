import keras
import numpy as np
import pytest

from keras_gen.models import DBM
from keras_gen.models.dbm.centering import centering_term
from tests.helpers import assert_round_trip
from tests.models.dbm.common import STEPS
from tests.models.dbm.common import pretrained

numpy = keras.ops.convert_to_numpy


def value(tensor):
    return float(numpy(keras.ops.stop_gradient(tensor)))
NAMES = ["kernel_1", "kernel_2", "label_kernel", "visible_bias", "hidden_bias_1", "hidden_bias_2", "label_bias"]


def _gradients(function, dbm):
    """Each parameter's gradient of `function()`, which is linear in them, by unit steps."""
    base = value(function())
    gradients = {}
    for name in NAMES:
        variable = getattr(dbm, name)
        old = numpy(variable)
        gradient = np.zeros_like(old)
        for index in np.ndindex(old.shape):
            moved = old.copy()
            moved[index] += 1.0
            variable.assign(moved)
            gradient[index] = value(function()) - base
        variable.assign(old)
        gradients[name] = gradient
    return gradients


def test_update_is_the_centered_update_mapped_back():
    rng = np.random.default_rng(0)
    dbm = DBM((5, 4), num_classes=3, centering=0.1, seed=0)
    dbm.build((None, 6))
    for variable in dbm.trainable_variables:
        variable.assign(rng.normal(size=variable.shape).astype("float32"))
    offsets = [rng.uniform(0.1, 0.9, size=variable.shape).astype("float32") for variable in dbm.offsets]
    for variable, offset in zip(dbm.offsets, offsets):
        variable.assign(offset)

    def states(rows):
        return [rng.uniform(size=(rows, size)).astype("float32") for size in (6, 5, 4, 3)]

    # Model states as whole configurations (each layer's statistic the same), so the energy gives the plain term.
    data, model = states(7), states(9)
    tensors = [keras.ops.convert_to_tensor(x) for x in data + model]
    data_states, model_states = tensors[:4], [tensors[i] for i in (4, 5, 5, 6, 7, 7)]

    def energy_gap(shift):
        # Tensors, not NumPy arrays: NumPy's `*` would pull a torch variable into NumPy.
        return (keras.ops.mean(dbm.energy(*[keras.ops.convert_to_tensor(x - o) for x, o in zip(data, shift)]))
                - keras.ops.mean(dbm.energy(*[keras.ops.convert_to_tensor(x - o) for x, o in zip(model, shift)])))

    zero = [np.zeros_like(offset) for offset in offsets]
    ours = _gradients(lambda: energy_gap(zero) + centering_term(dbm, data_states, model_states), dbm)
    # The centered surrogate's gradient in the centered coordinates (biases c_i = b_i + sum_j W_ij o_j) ...
    centered = _gradients(lambda: energy_gap(offsets), dbm)
    # ... and one step of it, mapped back to the ordinary biases b_i = c_i - sum_j W_ij o_j.
    kernel_moves = {name: -centered[name] for name in NAMES[:3]}
    expected = dict(kernel_moves)
    o_v, o_1, o_2, o_l = offsets
    expected["visible_bias"] = -centered["visible_bias"] - kernel_moves["kernel_1"] @ o_1
    expected["hidden_bias_1"] = (-centered["hidden_bias_1"] - o_v @ kernel_moves["kernel_1"]
                                 - kernel_moves["kernel_2"] @ o_2)
    expected["hidden_bias_2"] = (-centered["hidden_bias_2"] - o_1 @ kernel_moves["kernel_2"]
                                 - o_l @ kernel_moves["label_kernel"])
    expected["label_bias"] = -centered["label_bias"] - kernel_moves["label_kernel"] @ o_2
    for name in NAMES:
        np.testing.assert_allclose(-ours[name], expected[name], rtol=1e-3, atol=2e-3, err_msg=name)
    # With the offsets at zero the term vanishes: the plain update.
    for variable in dbm.offsets:
        variable.assign(np.zeros(variable.shape, "float32"))
    assert all(np.abs(g).max() < 1e-5 for g in _gradients(lambda: centering_term(dbm, data_states, model_states),
                                                          dbm).values())


def test_offsets_start_at_the_first_batch_and_slide(digits):
    x = digits[0][:40]
    dbm, _ = pretrained(x, epochs=1, centering=0.25)
    dbm.compile(optimizer=keras.optimizers.SGD(0.01), steps_per_execution=1)
    dbm.fit(x, batch_size=20, epochs=1, verbose=0, shuffle=False)
    first, second = x[:20].mean(axis=0), x[20:].mean(axis=0)
    np.testing.assert_allclose(numpy(dbm.offsets[0]), first + 0.25 * (second - first), atol=1e-6)
    for offset in dbm.offsets[1:]:
        assert 0.0 < numpy(offset).min() and numpy(offset).max() < 1.0
    assert float(numpy(dbm.offsets_started)) == 1.0


def test_centered_training_round_trips(digits, tmp_path):
    x = digits[0][:100]
    dbm = DBM((32, 16), persistent_chains=20, num_classes=10, centering=0.01, seed=0)
    dbm.pretrain(x, digits[1][:100], epochs=1, batch_size=20, verbose=0, steps_per_execution=STEPS)
    dbm.compile(optimizer=keras.optimizers.SGD(0.01), steps_per_execution=STEPS)
    history = dbm.fit(x, digits[1][:100], batch_size=20, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(np.isfinite(numpy(v)).all() for v in dbm.weights)
    restored = assert_round_trip(dbm, tmp_path / "dbm.keras", {"transform": lambda m: m.transform(x)})
    assert restored.centering == 0.01
    np.testing.assert_array_equal(numpy(restored.offsets[1]), numpy(dbm.offsets[1]))
    assert not hasattr(DBM((4, 3)), "offsets")


@pytest.mark.parametrize("centering", [0, 0.0, 1.5, -0.1, "a", True, float("nan")])
def test_bad_centering_raises(centering):
    with pytest.raises(ValueError, match="centering"):
        DBM((8, 4), centering=centering)
