"""Restricted Boltzmann Machines: `RBM` (Bernoulli or Gaussian visible units,
CD-k and PCD) and `ClassificationRBM` (data + one-hot label units)."""

from keras_gen.models.rbm.rbm import RBM
from keras_gen.models.rbm.classification_rbm import ClassificationRBM
