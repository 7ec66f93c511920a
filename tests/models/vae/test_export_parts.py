import keras
import numpy as np

from keras_gen.models.vae import VAE


def test_export_parts_match_methods(digits):
    vae = VAE.dense((64,), latent_dim=3, hidden_units=(16,), likelihood="continuous_bernoulli")
    parts = vae.export_parts()
    assert set(parts) == {"decoder", "encoder"}
    z = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    decoder, metadata = parts["decoder"]
    assert metadata["inputs"]["z"]["distribution"] == "normal"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(decoder(z)), vae.decode(z), atol=1e-6)
    x = digits[0][:4]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(parts["encoder"][0](x)), vae.encode(x),
                               atol=1e-6)
    layer_names = {type(layer).__name__ for layer in decoder._flatten_layers()}
    assert not any("Distribution" in name for name in layer_names)
