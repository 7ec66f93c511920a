"""Shims that let libraries written for older jax run on the installed one."""


def patch_jax_for_tfp():
    """Restores `jax.interpreters.xla.pytype_aval_mappings` for TFP 0.25's JAX substrate."""
    # TFP 0.25's JAX substrate reads `jax.interpreters.xla.pytype_aval_mappings`,
    # which jax >= 0.7 removed; the same mapping still lives in `jax.core`.
    import warnings

    import jax
    import jax.interpreters.xla as xla

    if not hasattr(xla, "pytype_aval_mappings"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            mappings = getattr(jax.core, "pytype_aval_mappings", None)
        if mappings is not None:
            xla.pytype_aval_mappings = mappings
