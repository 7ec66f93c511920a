"""Latent-space tools for generators: interpolation (lerp, slerp), vector
arithmetic (a - b + c on means of groups), strip PNGs and animated GIFs."""

from keras_gen.latent.animation import save_interpolation_gif
from keras_gen.latent.animation import save_interpolation_strip
from keras_gen.latent.arithmetic import latent_mean
from keras_gen.latent.arithmetic import vector_arithmetic
from keras_gen.latent.interpolation import interpolate
