import keras
import numpy as np
import pytest

from keras_gen.losses.adversarial import ADVERSARIAL_LOSSES
from keras_gen.losses.adversarial import AdversarialLoss
from keras_gen.losses.adversarial import gradient_penalty
from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import minimize

REAL = np.array([[1.5], [-0.5], [0.2]], "float32")
FAKE = np.array([[-1.0], [0.3], [2.0]], "float32")


def softplus(x):
    return np.log1p(np.exp(x))


EXPECTED = {
    "non_saturating": (softplus(-REAL).mean() + softplus(FAKE).mean(), softplus(-FAKE).mean()),
    "minimax": (softplus(-REAL).mean() + softplus(FAKE).mean(), -softplus(FAKE).mean()),
    "hinge": (np.maximum(0, 1 - REAL).mean() + np.maximum(0, 1 + FAKE).mean(), -FAKE.mean()),
    "least_squares": (0.5 * ((REAL - 1) ** 2).mean() + 0.5 * (FAKE ** 2).mean(),
                      0.5 * ((FAKE - 1) ** 2).mean()),
    "wasserstein_gp": (FAKE.mean() - REAL.mean(), -FAKE.mean()),
}


@pytest.mark.parametrize("name", ADVERSARIAL_LOSSES)
def test_values_match_the_formulas(name, backend):
    loss = AdversarialLoss(name)
    d = keras.ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    g = keras.ops.convert_to_numpy(loss.generator_loss(FAKE))
    np.testing.assert_allclose([d, g], EXPECTED[name], rtol=1e-5)


def test_label_smoothing_lowers_the_real_target(backend):
    smooth = AdversarialLoss("non_saturating", label_smoothing=0.1)
    expected = (0.9 * softplus(-REAL) + 0.1 * softplus(REAL)).mean() + softplus(FAKE).mean()
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(smooth.discriminator_loss(REAL, FAKE)), expected, rtol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="loss"):
        AdversarialLoss("wgan")
    with pytest.raises(ValueError, match="label_smoothing"):
        AdversarialLoss("wasserstein_gp", label_smoothing=0.2)
    with pytest.raises(ValueError, match="label_smoothing"):
        AdversarialLoss(label_smoothing=1.0)
    with pytest.raises(ValueError, match="gradient_penalty_weight"):
        AdversarialLoss("wasserstein_gp", gradient_penalty_weight=-1.0)


class LinearCritic(AdversarialModel):
    """Minimizes only the gradient penalty of a linear critic w.x: its
    gradient is w, the penalty (|w| - 1)^2, so SGD moves |w| towards 1."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
        self.critic.layers[0].kernel.assign(np.array([[3.0], [4.0]], "float32"))
        self.tracker = keras.metrics.Mean(name="penalty")
        self.built = True

    @property
    def metrics(self):
        return [self.tracker]

    def compile(self, critic_optimizer, **kwargs):
        self.compile_optimizers({"critic": critic_optimizer},
                                {"critic": self.critic.trainable_variables}, **kwargs)

    def adversarial_step(self, data):
        real, fake = keras.utils.unpack_x_y_sample_weight(data)[0]
        epsilon = keras.ops.full((keras.ops.shape(real)[0], 1), 0.5)
        value = minimize(lambda: gradient_penalty(self.critic, real, fake, epsilon),
                         self.critic.trainable_variables, self.optimizer["critic"])
        self.tracker.update_state(value)
        return {"penalty": self.tracker.result()}


def test_gradient_penalty_is_differentiable_on_every_backend(backend):
    model = LinearCritic()
    model.compile(critic_optimizer=keras.optimizers.SGD(0.1))
    real = np.ones((4, 2), "float32")
    history = model.fit((real, -real), batch_size=4, epochs=1, verbose=0)
    # |w| = 5: penalty 16; d/dw = 2 (|w| - 1) w / |w| = 1.6 w -> w (1 - 0.16).
    np.testing.assert_allclose(history.history["penalty"][0], 16.0, rtol=1e-5)
    kernel = keras.ops.convert_to_numpy(model.critic.layers[0].kernel)
    np.testing.assert_allclose(kernel.ravel(), [3.0 * 0.84, 4.0 * 0.84], rtol=1e-5)
