import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import ContractiveAutoencoder
from keras_gen.models.autoencoders.networks import dense_networks
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip
from tests.models.autoencoders.common import train_and_check_loss_falls


def _numeric_jacobian_norm(model, x, step=1e-3):
    """||J||_F^2 per sample by central differences along each input axis, in float64."""
    x = x.astype("float64")
    total = np.zeros(len(x))
    for i in range(x.shape[1]):
        offset = np.zeros_like(x)
        offset[:, i] = step
        up = keras.ops.convert_to_numpy(model.encoder((x + offset).astype("float32"))).astype("float64")
        down = keras.ops.convert_to_numpy(model.encoder((x - offset).astype("float32"))).astype("float64")
        total += np.sum(((up - down) / (2 * step)) ** 2, axis=1)
    return total.mean()


def test_closed_form_matches_numeric_jacobian(digits):
    x = digits[0][:32]
    model = ContractiveAutoencoder.dense((64,), code_dim=6, hidden_units=(), seed=0)
    assert model.jacobian_method == "exact"
    exact = float(keras.ops.convert_to_numpy(model.jacobian_penalty(x)))
    assert exact == pytest.approx(_numeric_jacobian_norm(model, x), rel=2e-2)


def test_estimate_agrees_with_closed_form(digits):
    x = digits[0][:64]
    encoder, decoder = dense_networks((64,), (), 6, code_activation="sigmoid")
    exact = ContractiveAutoencoder(encoder, decoder, jacobian="exact")
    estimate = ContractiveAutoencoder(encoder, decoder, jacobian="estimate", jacobian_probes=64,
                                      seed=0)
    a = float(keras.ops.convert_to_numpy(exact.jacobian_penalty(x)))
    b = float(keras.ops.convert_to_numpy(estimate.jacobian_penalty(x)))
    assert b == pytest.approx(a, rel=0.15)


def test_deep_encoder_uses_estimate_and_contracts(digits, tmp_path):
    x = digits[0][:512]
    model = ContractiveAutoencoder.dense((64,), code_dim=8, hidden_units=(32,),
                                         contraction_weight=0.1, jacobian_probes=2, seed=1)
    assert model.jacobian_method == "estimate"
    before = float(keras.ops.convert_to_numpy(model.jacobian_penalty(x[:128])))
    train_and_check_loss_falls(model, x, epochs=8)
    plain = ContractiveAutoencoder.dense((64,), code_dim=8, hidden_units=(32,),
                                         contraction_weight=0.0, seed=1)
    train_and_check_loss_falls(plain, x, epochs=8)
    after = float(keras.ops.convert_to_numpy(model.jacobian_penalty(x[:128])))
    unpenalised = float(keras.ops.convert_to_numpy(plain.jacobian_penalty(x[:128])))
    assert np.isfinite(before) and after < unpenalised
    check_round_trip(model, x[:16], tmp_path)
    check_export_parts(model, x[:16])


def test_bad_inputs():
    encoder, decoder = dense_networks((8,), (4,), 3, code_activation="sigmoid")
    with pytest.raises(ValueError, match="jacobian='exact'"):
        ContractiveAutoencoder(encoder, decoder, jacobian="exact")
    with pytest.raises(ValueError, match="contraction_weight"):
        ContractiveAutoencoder(encoder, decoder, contraction_weight=-0.1)
    with pytest.raises(ValueError, match="jacobian_epsilon"):
        ContractiveAutoencoder(encoder, decoder, jacobian_epsilon=0.0)
    with pytest.raises(ValueError, match="jacobian"):
        ContractiveAutoencoder(encoder, decoder, jacobian="reverse")
