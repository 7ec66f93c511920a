import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import SparseAutoencoder
from keras_gen.models.autoencoders.networks import dense_networks
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip
from tests.models.autoencoders.common import train_and_check_loss_falls


def _mean_activation(model, x):
    return float(np.mean(keras.ops.convert_to_numpy(model.encode(x))))


def test_kl_sparsity_pulls_mean_activation_to_target(digits, tmp_path):
    x = digits[0][:512]
    sparse = SparseAutoencoder.dense((64,), code_dim=32, hidden_units=(), sparsity="kl",
                                     sparsity_weight=1.0, sparsity_target=0.05, seed=1)
    dense = SparseAutoencoder.dense((64,), code_dim=32, hidden_units=(), sparsity_weight=0.0, seed=1)
    for model in (sparse, dense):
        train_and_check_loss_falls(model, x, epochs=10, key="loss")
    assert _mean_activation(sparse, x) < 0.15
    assert _mean_activation(sparse, x) < 0.5 * _mean_activation(dense, x)
    loaded = check_round_trip(sparse, x[:16], tmp_path)
    assert loaded.sparsity_target == 0.05
    check_export_parts(sparse, x[:16])


def test_l1_penalty_matches_definition():
    model = SparseAutoencoder.dense((8,), code_dim=3, hidden_units=(), sparsity="l1",
                                    sparsity_weight=0.5, code_activation="relu")
    codes = keras.ops.convert_to_tensor(np.array([[1.0, -2.0, 0.0], [0.5, 0.5, 0.5]], "float32"))
    value = float(keras.ops.convert_to_numpy(model.code_penalty(None, codes)))
    assert value == pytest.approx(0.5 * (3.0 + 1.5) / 2)


def test_bad_inputs():
    encoder, decoder = dense_networks((8,), (), 3, code_activation="relu")
    with pytest.raises(ValueError, match="sigmoid"):
        SparseAutoencoder(encoder, decoder, sparsity="kl")
    with pytest.raises(ValueError, match="sparsity_target"):
        SparseAutoencoder.dense((8,), code_dim=3, sparsity_target=1.0)
    with pytest.raises(ValueError, match="sparsity_weight"):
        SparseAutoencoder.dense((8,), code_dim=3, sparsity_weight=-1)
    with pytest.raises(ValueError, match="sparsity"):
        SparseAutoencoder.dense((8,), code_dim=3, sparsity="l2")
