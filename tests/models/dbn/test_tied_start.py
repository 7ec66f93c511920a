"""The tied start of a DBN's upper layers (`keras_gen.models.dbn.tied_start`), through `DBN`."""

import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from tests.models.dbn.common import STEPS
from tests.models.dbn.common import trained


def _hidden_marginal(rbm, h):
    """log p*(h) of an RBM over its hidden units, the visible ones summed out."""
    kernel, visible_bias, hidden_bias = (keras.ops.convert_to_numpy(w)
                                         for w in (rbm.kernel, rbm.visible_bias, rbm.hidden_bias))
    return h @ hidden_bias + np.logaddexp(0.0, h @ kernel.T + visible_bias).sum(axis=1)


def test_tied_upper_layer_starts_as_the_layer_below_upside_down(digits):
    x = (digits[0][:200, :6] > 0.5).astype("float32")
    bottom, _ = trained(x, layers=(4,), epochs=2)
    dbn = DBN([bottom.rbms[0], 6], upper_init="tied", seed=0)
    # A zero learning rate: what is measured is the tied start.
    dbn.compile(optimizer=keras.optimizers.SGD(0.0), steps_per_execution=STEPS)
    dbn.fit(x, batch_size=20, epochs=1, verbose=0, layers=[1])
    h = np.array([[(i >> k) & 1 for k in range(4)] for i in range(16)], "float32")
    top = -keras.ops.convert_to_numpy(dbn.rbms[1].free_energy(h))
    below = _hidden_marginal(bottom.rbms[0], h)
    # The same distribution over h: equal up to the two models' constants.
    np.testing.assert_allclose(top - top[0], below - below[0], atol=1e-4)
    trained_kernel = keras.ops.convert_to_numpy(dbn.rbms[1].kernel).copy()
    dbn.compile(optimizer=keras.optimizers.SGD(0.1), steps_per_execution=STEPS)
    dbn.fit(x, batch_size=20, epochs=1, verbose=0, layers=[1])
    # A trained layer is trained on from where it is, not tied again.
    assert not np.allclose(keras.ops.convert_to_numpy(dbn.rbms[1].kernel), trained_kernel)
    assert dbn.get_config()["upper_init"] == "tied"


def test_tied_upper_layer_needs_room_and_bernoulli_units_below(digits):
    x = digits[0][:40]
    narrow = DBN([8, 4], upper_init="tied", seed=0)
    with pytest.raises(ValueError, match="at least 64 hidden units"):
        narrow.fit(x, batch_size=20, epochs=1, verbose=0)
    # Refused before any work: the first layer is untouched.
    assert not np.any(keras.ops.convert_to_numpy(narrow.rbms[0].hidden_bias))
    gaussian = DBN([8, 80], visible_type="gaussian", upper_init="tied", seed=0)
    with pytest.raises(ValueError, match="Bernoulli visible units"):
        gaussian.fit(x - 0.5, batch_size=20, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="upper_init"):
        DBN([8, 4], upper_init="transposed")
