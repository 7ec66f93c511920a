"""Restricted Boltzmann Machines: `RBM` (Bernoulli or Gaussian visible units,
CD-k and PCD), `ClassificationRBM` (data + one-hot label units) and
`ReplicatedSoftmaxRBM` (word counts), with their estimators: AIS
log-likelihood (`ais`) and pseudo-likelihood (`pseudo_likelihood`)."""

from keras_gen.models.rbm.rbm import RBM
from keras_gen.models.rbm.classification_rbm import ClassificationRBM
from keras_gen.models.rbm.replicated_softmax_rbm import ReplicatedSoftmaxRBM
