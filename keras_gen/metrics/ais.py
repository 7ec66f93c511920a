"""Deprecated: moved to `keras_gen.models.rbm.ais` (RBM-only estimators live with the RBM)."""

from keras_gen.utils.deprecation import warn_deprecated

warn_deprecated("keras_gen.metrics.ais", "keras_gen.models.rbm.ais", stacklevel=2)

from keras_gen.models.rbm.ais import *  # noqa: E402,F401,F403
