"""Checks every autoencoder variant's tests share."""

import os

import keras
import numpy as np

from keras_gen.models import load_model
from tests.helpers import assert_models_identical


def train_and_check_loss_falls(model, x, epochs=6, batch_size=64, key="reconstruction_loss"):
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(x, epochs=epochs, batch_size=batch_size, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))
    assert history[key][-1] < 0.8 * history[key][0], history[key]
    return history


def check_round_trip(model, x, tmp_path, methods=("reconstruct", "encode")):
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = load_model(path)
    assert type(loaded) is type(model)
    for method in methods:
        assert_models_identical(model, loaded, x, method=method)
    return loaded


def check_export_parts(model, x):
    parts = model.export_parts()
    for name, (part, metadata) in parts.items():
        assert isinstance(part, keras.Model), name
        assert "inputs" in metadata and "output_range" in metadata
        assert all(dim is not None for dim in part.inputs[0].shape[1:])
    encoder_name = "binary_codes" if "binary_codes" in parts else "encoder"
    codes = keras.ops.convert_to_numpy(parts[encoder_name][0](x))
    np.testing.assert_allclose(codes, keras.ops.convert_to_numpy(model.encode(x)), atol=1e-6)
    decoded = keras.ops.convert_to_numpy(parts["decoder"][0](codes))
    np.testing.assert_allclose(decoded, keras.ops.convert_to_numpy(model.decode(codes)), atol=1e-6)
    return parts
