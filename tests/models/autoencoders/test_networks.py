import keras
import pytest

from keras_gen.models.autoencoders.networks import check_networks
from keras_gen.models.autoencoders.networks import conv_networks
from keras_gen.models.autoencoders.networks import dense_networks


def test_builders_mirror_the_encoder_in_the_decoder():
    encoder, decoder = dense_networks((8, 8, 1), (16,), 4)
    assert check_networks(encoder, decoder) == ((8, 8, 1), 4)
    encoder, decoder = conv_networks((8, 8, 1), (4, 8), 6, decoder_input_units=3)
    assert check_networks(encoder, decoder, variational=True) == ((8, 8, 1), 6)


def test_networks_that_do_not_fit_together_are_refused():
    encoder, decoder = dense_networks((64,), (16,), 4)
    _, wrong_decoder = dense_networks((32,), (16,), 4)
    with pytest.raises(ValueError, match="decoder output shape"):
        check_networks(encoder, wrong_decoder)
    _, narrow_decoder = dense_networks((64,), (16,), 3)
    with pytest.raises(ValueError, match="decoder input shape"):
        check_networks(encoder, narrow_decoder)
    with pytest.raises(ValueError, match=r"2 \* latent_dim.*Received: encoder output size 5"):
        check_networks(dense_networks((64,), (16,), 5)[0], decoder, variational=True)
    with pytest.raises(ValueError, match="`encoder` to be a keras.Model"):
        check_networks("encoder", decoder)
    unbuilt = keras.Sequential([keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="built model"):
        check_networks(unbuilt, decoder)


def test_bad_builder_arguments():
    with pytest.raises(ValueError, match="code_units"):
        dense_networks((64,), (16,), 0)
    with pytest.raises(ValueError, match="input_shape"):
        dense_networks((64, -1), (16,), 4)
    with pytest.raises(ValueError, match="divisible"):
        conv_networks((10, 10, 1), (8, 8), 4)
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        conv_networks((64,), (8,), 4)
