import keras
import numpy as np
import pytest

from keras_gen.models.autoencoders import StackedAutoencoder
from tests.models.autoencoders.common import check_export_parts
from tests.models.autoencoders.common import check_round_trip


def test_pretraining_then_fine_tuning(digits, tmp_path, capsys):
    x = digits[0][:512]
    model = StackedAutoencoder(64, layer_sizes=(32, 16, 4), reconstruction_loss="binary_crossentropy",
                               sparsity_weight=0.1, seed=0)
    initial = keras.ops.convert_to_numpy(model.encoder.layers[1].kernel).copy()
    before = float(np.mean(keras.ops.convert_to_numpy(model.reconstruction_error(x, model.reconstruct(x)))))
    losses = model.pretrain(x, epochs=3, batch_size=64, learning_rate=1e-2, verbose=1)
    assert len(losses) == 3 and all(np.isfinite(losses))
    assert "Pretraining layer 3/3" in capsys.readouterr().out
    # Pretraining wrote into the stack's own layers.
    assert not np.allclose(initial, keras.ops.convert_to_numpy(model.encoder.layers[1].kernel))
    pretrained = float(np.mean(keras.ops.convert_to_numpy(model.reconstruction_error(x, model.reconstruct(x)))))
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(x, epochs=6, batch_size=64, verbose=0).history
    tuned = history["reconstruction_loss"][-1]
    assert pretrained < before and tuned < pretrained
    assert tuple(model.encode(x[:3]).shape) == (3, 4)
    assert tuple(model.decode(np.zeros((2, 4))).shape) == (2, 64)
    loaded = check_round_trip(model, x[:16], tmp_path)
    assert loaded.layer_sizes == (32, 16, 4)
    check_export_parts(model, x[:16])


def test_bad_inputs(digits):
    with pytest.raises(ValueError, match="layer_sizes"):
        StackedAutoencoder(64, layer_sizes=(32, 0))
    with pytest.raises(ValueError, match="layer_sizes"):
        StackedAutoencoder(64, layer_sizes=())
    with pytest.raises(ValueError, match="input_dim"):
        StackedAutoencoder(0)
    model = StackedAutoencoder(64, layer_sizes=(8, 4))
    with pytest.raises(ValueError, match="x"):
        model.pretrain(digits[0][:, :32], epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        model.pretrain(digits[0], epochs=0)
