"""Variational autoencoders: `VAE` (Gaussian encoder; Bernoulli, Gaussian or
continuous-Bernoulli decoder; β; TFP or keras.ops distributions)."""

from keras_gen.models.vae.vae import VAE

__all__ = ["VAE"]
