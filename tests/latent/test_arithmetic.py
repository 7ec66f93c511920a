import numpy as np
import pytest

from keras_gen.latent import latent_mean
from keras_gen.latent import vector_arithmetic


def test_mean_and_arithmetic():
    a = [[2.0, 0.0], [4.0, 0.0]]
    np.testing.assert_allclose(latent_mean(a), [3.0, 0.0])
    np.testing.assert_allclose(vector_arithmetic(a, [[1.0, 1.0]], [0.0, 2.0]), [2.0, 1.0])


def test_bad_inputs():
    with pytest.raises(ValueError, match="latent_dim"):
        vector_arithmetic([1.0, 2.0], [1.0], [1.0, 2.0])
