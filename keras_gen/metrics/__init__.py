"""keras-gen metrics: one public class or function family per submodule.

Names are found in the submodules on first use, e.g.
`keras_gen.metrics.NAME`; import a submodule directly for its full API.
"""

from keras_gen.utils.lazy import lazy_package_getattr

# `ais` and `pseudo_likelihood` moved to keras_gen.models.rbm; the old modules
# only warn and forward.
__getattr__ = lazy_package_getattr(__name__, __path__, skip=("ais", "pseudo_likelihood"))
