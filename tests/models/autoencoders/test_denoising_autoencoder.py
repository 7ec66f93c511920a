import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import DenoisingAutoencoder
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip
from tests.models.autoencoders.common import train_and_check_loss_falls


@pytest.mark.parametrize("corruption", ["gaussian", "masking", "salt_and_pepper"])
def test_corruptions_hit_the_requested_fraction(corruption):
    model = DenoisingAutoencoder.dense((64,), code_dim=4, corruption=corruption,
                                       corruption_level=0.4, seed=3)
    x = np.full((200, 64), 0.5, "float32")
    noisy = keras.ops.convert_to_numpy(model.corrupt(x, seed=7))
    changed = np.mean(noisy != x)
    if corruption == "gaussian":
        assert changed > 0.99
        assert abs(np.std(noisy - x) - 0.4) < 0.02
    else:
        assert abs(changed - 0.4) < 0.03
    if corruption == "masking":
        assert set(np.unique(noisy)) <= {0.0, 0.5}
    if corruption == "salt_and_pepper":
        assert set(np.unique(noisy)) == {0.0, 0.5, 1.0}
        assert abs(np.mean(noisy == 1.0) - 0.2) < 0.03


def test_trains_and_round_trips(digits, tmp_path):
    x = digits[0][:512]
    model = DenoisingAutoencoder.dense((64,), code_dim=8, hidden_units=(32,),
                                       corruption="masking", corruption_level=0.3, seed=1)
    train_and_check_loss_falls(model, x)
    loaded = check_round_trip(model, x[:16], tmp_path)
    assert loaded.corruption == "masking" and loaded.corruption_level == 0.3
    check_export_parts(model, x[:16])


def test_reconstruction_is_deterministic_and_clean():
    model = DenoisingAutoencoder.dense((64,), code_dim=4, corruption_level=0.9)
    x = np.random.default_rng(0).random((8, 64)).astype("float32")
    a = keras.ops.convert_to_numpy(model.reconstruct(x))
    b = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("level", [-0.1, 1.5, float("nan"), "high"])
def test_bad_corruption_level(level):
    with pytest.raises(ValueError, match="corruption_level"):
        DenoisingAutoencoder.dense((64,), code_dim=4, corruption_level=level)


def test_bad_corruption():
    with pytest.raises(ValueError, match="corruption"):
        DenoisingAutoencoder.dense((64,), code_dim=4, corruption="dropout")
