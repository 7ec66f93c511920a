"""Deep Belief Networks: `DBN` (greedy stack of RBMs; features, binary codes,
generation, classifier initialisation) and `ReplicatedSoftmaxRBM` (word counts)."""

from keras_gen.models.dbn.replicated_softmax_rbm import ReplicatedSoftmaxRBM
from keras_gen.models.dbn.dbn import DBN
