import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import StochasticAutoencoder
from keras_gen.models.autoencoders.networks import dense_networks
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip
from tests.models.autoencoders.common import train_and_check_loss_falls


def test_binary_codes_train_round_trip_and_export(digits, tmp_path):
    x = digits[0][:512]
    model = StochasticAutoencoder.dense((64,), code_dim=16, hidden_units=(32,), seed=1)
    train_and_check_loss_falls(model, x, epochs=8)
    codes = keras.ops.convert_to_numpy(model.encode(x[:64]))
    assert set(np.unique(codes)) <= {0.0, 1.0}
    check_round_trip(model, x[:16], tmp_path)
    parts = check_export_parts(model, x[:16])
    assert set(parts) == {"binary_codes", "decoder"}
    assert parts["decoder"][1]["inputs"]["codes"]["distribution"] == "binary"


def test_training_codes_are_sampled_with_straight_through_gradient():
    model = StochasticAutoencoder.dense((4,), code_dim=1000, hidden_units=())
    probabilities = keras.ops.convert_to_tensor(np.full((1, 1000), 0.3, "float32"))
    drawn = keras.ops.convert_to_numpy(model.transform_codes(probabilities, training=True))
    np.testing.assert_allclose(np.unique(drawn), [0.0, 1.0], atol=1e-6)
    assert abs(drawn.mean() - 0.3) < 0.05


def test_rejects_non_sigmoid_encoder():
    encoder, decoder = dense_networks((8,), (), 3, code_activation="tanh")
    with pytest.raises(ValueError, match="sigmoid"):
        StochasticAutoencoder(encoder, decoder)
