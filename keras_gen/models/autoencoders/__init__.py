"""Autoencoders: plain, denoising, sparse, contractive, stochastic (binary
codes) and stacked (greedy layer-wise pretraining, then fine-tuning)."""

from keras_gen.models.autoencoders.autoencoder import Autoencoder
from keras_gen.models.autoencoders.contractive_autoencoder import ContractiveAutoencoder
from keras_gen.models.autoencoders.denoising_autoencoder import DenoisingAutoencoder
from keras_gen.models.autoencoders.sparse_autoencoder import SparseAutoencoder
from keras_gen.models.autoencoders.stacked_autoencoder import StackedAutoencoder
from keras_gen.models.autoencoders.stochastic_autoencoder import StochasticAutoencoder

__all__ = [
    "Autoencoder",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "SparseAutoencoder",
    "StackedAutoencoder",
    "StochasticAutoencoder",
]
