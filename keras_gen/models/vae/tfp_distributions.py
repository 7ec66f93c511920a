"""TensorFlow Probability behind one small adapter that picks the substrate.

TFP's maintainers do not support Keras 3 layers (`tfp.layers` needs tf-keras),
but its distributions work inside Keras 3 models: `tfp.distributions` on
TensorFlow and `tensorflow_probability.substrates.jax` on JAX. There is no
torch substrate, so models keep a `keras.ops` path for every loss and use TFP
only when asked (`distribution_backend="tfp"`).
"""

import keras

from keras_gen.trainers.jax_compat import patch_jax_for_tfp

__all__ = ["tfp_distributions", "tfp_available"]

_INSTALL_HINT = "pip install tensorflow-probability tf-keras"


def tfp_distributions():
    """Returns the `distributions` module of TFP for the current Keras backend.

    Returns:
        `tfp.distributions` on TensorFlow, the JAX substrate's `distributions`
        on JAX.

    Raises:
        ValueError: on a backend TFP does not support (torch, numpy).
        ImportError: when TensorFlow Probability is not installed, with the
            install command.

    Example:

    >>> import keras
    >>> if keras.backend.backend() in ("tensorflow", "jax"):
    ...     tfd = tfp_distributions()
    ...     float(tfd.Normal(0.0, 1.0).log_prob(0.0)) < 0
    ... else:
    ...     True
    True
    """
    backend = keras.backend.backend()
    if backend not in ("tensorflow", "jax"):
        raise ValueError(
            "Expected the Keras backend to be 'tensorflow' or 'jax' for TensorFlow "
            "Probability distributions (TFP has no torch substrate). Use the "
            "default keras.ops path (distribution_backend='keras') on this backend. "
            f"Received: backend={backend!r}"
        )
    try:
        if backend == "tensorflow":
            import tensorflow_probability as tfp

            return tfp.distributions
        patch_jax_for_tfp()
        from tensorflow_probability.substrates import jax as tfp_jax

        return tfp_jax.distributions
    except ImportError as error:
        raise ImportError(
            f"TensorFlow Probability is needed for distribution_backend='tfp' on "
            f"{backend} but could not be imported ({error}). Install it with: "
            f"{_INSTALL_HINT}"
        ) from error


def tfp_available():
    """Whether `tfp_distributions()` works on the current backend.

    Example:

    >>> isinstance(tfp_available(), bool)
    True
    """
    try:
        tfp_distributions()
    except (ImportError, ValueError):
        return False
    return True
