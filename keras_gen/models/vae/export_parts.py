"""What of a VAE exports: its decoder and encoder as plain inference models."""

import keras

from keras_gen.models.vae import likelihoods


def export_parts(vae):
    """`{"decoder": (model, metadata), "encoder": (model, metadata)}` of a built `VAE`.

    The decoder maps z to the mean of p(x|z), the encoder x to the
    posterior mean; both are functional models with no TFP ops, in
    inference mode, with metadata that the export tools write beside them.
    """
    z = keras.Input((vae.latent_dim,), name="z")
    mean = likelihoods.decoder_mean(vae.likelihood, vae.decoder(z, training=False))
    decoder = keras.Model(z, mean, name="vae_decoder")
    x = keras.Input(vae.data_shape, name="x")
    encoder = keras.Model(x, vae.encoder(x, training=False)[:, : vae.latent_dim],
                          name="vae_encoder")
    data_range = None if vae.likelihood == "gaussian" else [0.0, 1.0]
    return {
        "decoder": (decoder, {
            "inputs": {"z": {"range": None, "distribution": "normal",
                             "description": f"latent vector, {vae.latent_dim} draws from N(0, 1)"}},
            "output_range": data_range,
        }),
        "encoder": (encoder, {
            "inputs": {"x": {"range": data_range, "distribution": "image",
                             "description": f"data of shape {vae.data_shape}"}},
            "output_range": None,
        }),
    }
