import keras
import numpy as np
import pytest

from keras_gen.models import DBM
from keras_gen.models.dbm.sparsity import sparsity_penalty
from tests.helpers import assert_round_trip
from tests.models.dbm.common import STEPS
from tests.models.dbm.common import pretrained

numpy = keras.ops.convert_to_numpy


def test_penalty_gradient_is_cost_times_excess_times_mean_neighbour(digits):
    x = digits[0][:60]
    dbm, _ = pretrained(x, epochs=1, sparsity_targets=(0.2, 0.1), sparsity_cost=0.01)
    mu1, mu2 = dbm.mean_field(x)
    excess_1 = numpy(mu1).mean(axis=0) - 0.2
    excess_2 = numpy(mu2).mean(axis=0) - 0.1
    # The penalty is linear in the weights, so a finite difference is its gradient exactly.
    rng = np.random.default_rng(0)
    step_1, step_2 = rng.normal(size=(64, 32)).astype("float32"), rng.normal(size=(32, 16)).astype("float32")
    expected = {
        "hidden_bias_1": (np.ones(32, "float32"), excess_1),
        "hidden_bias_2": (np.ones(16, "float32"), excess_2),
        "kernel_1": (step_1, x.mean(axis=0)[:, None] * excess_1),
        "kernel_2": (step_2, np.outer(excess_1, numpy(mu2).mean(axis=0))
                     + np.outer(numpy(mu1).mean(axis=0), excess_2)),
    }
    base = float(numpy(sparsity_penalty(dbm, x, mu1, mu2)))
    for name, (step, gradient) in expected.items():
        variable = getattr(dbm, name)
        old = numpy(variable)
        variable.assign(old + 0.1 * step)
        moved = float(numpy(sparsity_penalty(dbm, x, mu1, mu2)))
        variable.assign(old)
        np.testing.assert_allclose(moved - base, 0.1 * 0.01 * np.sum(step * gradient), rtol=1e-3, atol=1e-6,
                                   err_msg=name)


def test_joint_training_pulls_hidden_activity_toward_the_targets(digits):
    x = digits[0][:400]
    activity = {}
    for targets in (None, (0.05, 0.05)):
        dbm, _ = pretrained(x, epochs=1, sparsity_targets=targets, sparsity_cost=1.0)
        dbm.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5), steps_per_execution=STEPS)
        dbm.fit(x, batch_size=20, epochs=3, verbose=0, shuffle=False)
        activity[targets] = [dbm.transform(x, layer=layer).mean() for layer in (1, 2)]
    plain, sparse = activity[None], activity[(0.05, 0.05)]
    assert all(s < p - 0.05 for s, p in zip(sparse, plain)), (plain, sparse)
    # At least half of the way to the targets in 60 updates.
    assert all(s - 0.05 < (p - 0.05) / 2 for s, p in zip(sparse, plain)), (plain, sparse)


def test_round_trip_keeps_the_targets(digits, tmp_path):
    x = digits[0][:100]
    dbm, _ = pretrained(x, epochs=1, sparsity_targets=(0.2, 0.1), sparsity_cost=0.002)
    dbm.compile(optimizer=keras.optimizers.SGD(0.01), steps_per_execution=STEPS)
    dbm.fit(x, batch_size=20, epochs=1, verbose=0)
    restored = assert_round_trip(dbm, tmp_path / "dbm.keras", {"transform": lambda m: m.transform(x)})
    assert restored.sparsity_targets == (0.2, 0.1) and restored.sparsity_cost == 0.002
    assert DBM.from_config(dbm.get_config()).sparsity_targets == (0.2, 0.1)


@pytest.mark.parametrize("kwargs", [{"sparsity_targets": (0.2,)}, {"sparsity_targets": 0.1},
                                    {"sparsity_targets": (0.0, 0.1)}, {"sparsity_targets": (0.2, 1.5)},
                                    {"sparsity_targets": ("a", 0.1)}, {"sparsity_cost": -1.0},
                                    {"sparsity_cost": float("nan")}])
def test_bad_sparsity_settings_raise(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        DBM((8, 4), **kwargs)
