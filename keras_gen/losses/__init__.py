"""keras-gen losses: one public class or function family per submodule.

Names are found in the submodules on first use, e.g.
`keras_gen.losses.NAME`; import a submodule directly for its full API.
"""

from keras_gen.utils.lazy import lazy_package_getattr

__getattr__ = lazy_package_getattr(__name__, __path__)
