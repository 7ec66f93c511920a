import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import Autoencoder
from keras_gen.models.autoencoders.networks import dense_networks
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip
from tests.models.autoencoders.common import train_and_check_loss_falls


def test_dense_loss_falls_round_trip_and_export(digits, tmp_path):
    x = digits[0][:512]
    model = Autoencoder.dense((64,), code_dim=8, hidden_units=(32,), seed=1)
    train_and_check_loss_falls(model, x)
    check_round_trip(model, x[:16], tmp_path)
    check_export_parts(model, x[:16])


def test_binary_crossentropy_and_weight_decay(digits):
    x = digits[0][:512]
    model = Autoencoder.dense((64,), code_dim=8, hidden_units=(32,),
                              reconstruction_loss="binary_crossentropy", weight_decay=1e-3)
    history = train_and_check_loss_falls(model, x)
    # The decay shows up as the penalty, and the loss is reconstruction + penalty.
    assert history["penalty"][-1] > 0
    np.testing.assert_allclose(
        history["loss"][-1], history["reconstruction_loss"][-1] + history["penalty"][-1], rtol=0.05
    )


@pytest.mark.slow
def test_conv_builder_trains_on_images(digits, tmp_path):
    x = digits[0][:256].reshape(-1, 8, 8, 1)
    model = Autoencoder.conv((8, 8, 1), code_dim=6, filters=(8, 16), seed=2)
    assert tuple(model.decoder.outputs[0].shape) == (None, 8, 8, 1)
    train_and_check_loss_falls(model, x, epochs=8)
    check_round_trip(model, x[:4], tmp_path)


def test_explicit_targets_are_reconstructed(digits):
    x = digits[0][:256]
    target = 1.0 - x
    model = Autoencoder.dense((64,), code_dim=16, hidden_units=(32,))
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(x, target, epochs=10, batch_size=64, verbose=0)
    out = keras.ops.convert_to_numpy(model.reconstruct(x[:64]))
    assert np.mean((out - target[:64]) ** 2) < np.mean((out - x[:64]) ** 2)


def test_bad_inputs():
    # The networks' own checks (shapes, builders) are in test_networks.py.
    encoder, decoder = dense_networks((64,), (16,), 4)
    _, wrong_decoder = dense_networks((32,), (16,), 4)
    with pytest.raises(ValueError, match="decoder output shape"):
        Autoencoder(encoder, wrong_decoder)
    with pytest.raises(ValueError, match="code_units"):
        Autoencoder.dense((64,), code_dim=0)
    with pytest.raises(ValueError, match="reconstruction_loss"):
        Autoencoder(encoder, decoder, reconstruction_loss="l3")
    with pytest.raises(ValueError, match="weight_decay"):
        Autoencoder(encoder, decoder, weight_decay=-1.0)
