"""Checks every autoencoder variant's tests share."""

import os

import keras
import numpy as np

from tests.helpers import assert_round_trip


def train_and_check_loss_falls(model, x, epochs=6, batch_size=64, key="reconstruction_loss"):
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(x, epochs=epochs, batch_size=batch_size, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))
    assert history[key][-1] < 0.8 * history[key][0], history[key]
    return history


def check_round_trip(model, x, tmp_path, methods=("reconstruct", "encode")):
    """`assert_round_trip` on the given verbs; a compiled model also trains on."""
    train = None
    if getattr(model, "compiled", False):
        def train(loaded):
            loaded.fit(x, epochs=1, batch_size=len(x), verbose=0)
    outputs = {method: (lambda m, method=method: getattr(m, method)(x)) for method in methods}
    return assert_round_trip(model, os.path.join(tmp_path, "model.keras"), outputs, train=train)


def check_export_parts(model, x):
    parts = model.export_parts()
    for name, (part, metadata) in parts.items():
        assert isinstance(part, keras.Model), name
        assert "inputs" in metadata and "output_range" in metadata
        assert all(dim is not None for dim in part.inputs[0].shape[1:])
    encoder_name = "binary_codes" if "binary_codes" in parts else "encoder"
    codes = keras.ops.convert_to_numpy(parts[encoder_name][0](x))
    encoded = model.encode(x)
    assert isinstance(encoded, np.ndarray)  # NumPy on every backend, never a tracked tensor
    np.testing.assert_allclose(codes, encoded, atol=1e-6)
    decoded = keras.ops.convert_to_numpy(parts["decoder"][0](codes))
    np.testing.assert_allclose(decoded, model.decode(codes), atol=1e-6)
    return parts
