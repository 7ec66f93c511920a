import keras
import numpy as np

from tests.models.dbm.common import pretrained


def test_pretraining_uses_the_doubling_trick_and_learns(digits):
    x = digits[0][:400]
    dbm, histories = pretrained(x)
    for history in histories:
        errors = history.history["reconstruction_error"]
        assert errors[-1] < errors[0]
    kernel_1 = keras.ops.convert_to_numpy(dbm.kernel_1)
    bias_1 = keras.ops.convert_to_numpy(dbm.hidden_bias_1)
    mu1, _ = dbm.mean_field(x[:5], steps=0)
    recognition = 1 / (1 + np.exp(-(2 * x[:5] @ kernel_1 + bias_1)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mu1), recognition, atol=1e-5)
