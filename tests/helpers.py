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
