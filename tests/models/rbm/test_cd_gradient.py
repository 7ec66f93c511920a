import keras
import numpy as np
import pytest

from keras_gen.models import RBM
from keras_gen.models.rbm.cd_gradient import cd_update_term


def _one_epoch(x, plain, **kwargs):
    rbm = RBM(12, seed=1, **kwargs)
    rbm._plain_energy = lambda: plain  # False: autodiff through both free energies
    rbm.compile(optimizer=keras.optimizers.SGD(0.5))
    history = rbm.fit(x, batch_size=25, epochs=1, verbose=0, shuffle=False)
    return [np.asarray(w) for w in rbm.get_weights()], history.history


@pytest.mark.parametrize("kwargs", [{}, {"cd_steps": 2}, {"visible_type": "gaussian"}])
def test_fused_update_equals_autodiff_of_the_free_energy_gap(digits, kwargs):
    x = digits[0][:100]
    if kwargs.get("visible_type") == "gaussian":
        x = (x - x.mean(0)) / (x.std(0) + 1e-3)
    fused, fused_history = _one_epoch(x, True, **kwargs)
    autodiff, autodiff_history = _one_epoch(x, False, **kwargs)
    untrained = RBM(12, seed=1, **kwargs)
    untrained.build((None, x.shape[1]))
    assert np.abs(fused[0] - np.asarray(untrained.kernel)).max() > 1e-3  # it trained
    for a, b in zip(fused, autodiff):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # The reported loss is still the free-energy gap.
    np.testing.assert_allclose(fused_history["loss"], autodiff_history["loss"], rtol=1e-4, atol=1e-5)


def test_term_is_zero_with_the_cd_statistics_as_gradient():
    rbm = RBM(3, seed=0)
    rbm.build((None, 4))
    rng = np.random.default_rng(0)
    v, v_negative = (rng.random((5, 4)) > 0.5).astype("float32"), (rng.random((2, 4)) > 0.5).astype("float32")
    h, h_negative = rng.random((5, 3)).astype("float32"), rng.random((2, 3)).astype("float32")
    term = cd_update_term(rbm, *(keras.ops.convert_to_tensor(t) for t in (v, h, v_negative, h_negative)))
    assert keras.ops.convert_to_numpy(term) == 0.0
    expected_kernel = -(v.T @ h / 5 - v_negative.T @ h_negative / 2)
    if keras.backend.backend() == "jax":
        import jax

        def loss(values):
            with keras.StatelessScope(state_mapping=list(zip(rbm.trainable_variables, values))):
                return cd_update_term(rbm, v, h, v_negative, h_negative)

        gradients = jax.grad(loss)([w.value for w in rbm.trainable_variables])
        np.testing.assert_allclose(gradients[0], expected_kernel, rtol=1e-5)
        np.testing.assert_allclose(gradients[1], v_negative.mean(0) - v.mean(0), rtol=1e-5)
        np.testing.assert_allclose(gradients[2], h_negative.mean(0) - h.mean(0), rtol=1e-5)
