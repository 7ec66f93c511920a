"""Deprecated: moved to `keras_gen.models.rbm.pseudo_likelihood` (RBM-only estimators live with the RBM)."""

from keras_gen.utils.deprecation import warn_deprecated

warn_deprecated("keras_gen.metrics.pseudo_likelihood", "keras_gen.models.rbm.pseudo_likelihood", stacklevel=2)

from keras_gen.models.rbm.pseudo_likelihood import *  # noqa: E402,F401,F403
