"""Deep Belief Networks: `DBN` (greedy stack of RBMs, optionally a labelled top RBM;
features, binary codes, samples, classifier initialisation), with the variational
lower bound on its log-likelihood in `likelihood_bound`."""

from keras_gen.models.dbn.dbn import DBN

from keras_gen.utils.deprecation import moved_names_getattr  # noqa: E402

__getattr__ = moved_names_getattr(
    __name__, {"ReplicatedSoftmaxRBM": "keras_gen.models.rbm.replicated_softmax_rbm:ReplicatedSoftmaxRBM"}
)
