"""Adversarial losses for GANs, written once with `keras.ops`.

Each loss is an `AdversarialLoss` holding a discriminator loss of the
critic's raw outputs (logits) on real and generated samples and a generator
loss of the outputs on generated samples. All are computed in float32 so
mixed-precision networks keep exact losses.
"""

from keras import ops

from keras_gen.trainers.input_gradients import input_gradients
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_probability

__all__ = ["ADVERSARIAL_LOSSES", "AdversarialLoss", "gradient_penalty"]

ADVERSARIAL_LOSSES = ("non_saturating", "minimax", "hinge", "least_squares", "wasserstein_gp")
# Losses whose real-sample target is a label that one-sided smoothing lowers.
_SMOOTHABLE = ("non_saturating", "minimax", "least_squares")


def _f32(x):
    return ops.cast(x, "float32")


class AdversarialLoss:
    """A named pair of discriminator and generator losses.

    Args:
        name: one of `"non_saturating"` (Goodfellow et al. 2014, the generator
            maximises log D(G(z))), `"minimax"` (the original log(1 - D(G(z)))
            objective), `"hinge"` (Lim & Ye 2017; Miyato et al. 2018),
            `"least_squares"` (Mao et al. 2017) or `"wasserstein_gp"` (critic
            loss plus gradient penalty, Gulrajani et al. 2017).
        label_smoothing: one-sided smoothing: real targets become
            `1 - label_smoothing` (Salimans et al. 2016). Only for losses with
            labels (not hinge or wasserstein_gp).
        gradient_penalty_weight: weight of the gradient penalty
            (wasserstein_gp only; 10 in the paper).

    Returns:
        An object with `discriminator_loss(real_logits, fake_logits)` and
        `generator_loss(fake_logits)`.

    Example:

    >>> import numpy as np
    >>> loss = AdversarialLoss("hinge")
    >>> float(loss.discriminator_loss(np.array([2.0]), np.array([-2.0])))
    0.0
    """

    def __init__(self, name="non_saturating", label_smoothing=0.0, gradient_penalty_weight=10.0):
        self.name = check_in("loss", name, ADVERSARIAL_LOSSES)
        self.label_smoothing = check_probability("label_smoothing", label_smoothing, allow_one=False)
        if self.label_smoothing and name not in _SMOOTHABLE:
            raise ValueError(
                f"Expected `label_smoothing` to be 0 for loss={name!r}, which has no labels to "
                f"smooth (only {_SMOOTHABLE}). Received: label_smoothing={label_smoothing}"
            )
        self.gradient_penalty_weight = check_non_negative(
            "gradient_penalty_weight", gradient_penalty_weight
        )

    @property
    def uses_gradient_penalty(self):
        return self.name == "wasserstein_gp" and self.gradient_penalty_weight > 0

    @property
    def bounded_below_by_zero(self):
        """Whether a discriminator loss pinned at 0 means the critic won."""
        return self.name != "wasserstein_gp"

    def discriminator_loss(self, real_logits, fake_logits):
        """Loss of the discriminator (without any gradient penalty)."""
        real, fake = _f32(real_logits), _f32(fake_logits)
        target = 1.0 - self.label_smoothing
        if self.name in ("non_saturating", "minimax"):
            # Cross-entropy with logits: softplus(-x) is -log sigmoid(x).
            real_term = target * ops.softplus(-real) + (1.0 - target) * ops.softplus(real)
            return ops.mean(real_term) + ops.mean(ops.softplus(fake))
        if self.name == "hinge":
            return ops.mean(ops.relu(1.0 - real)) + ops.mean(ops.relu(1.0 + fake))
        if self.name == "least_squares":
            return 0.5 * ops.mean(ops.square(real - target)) + 0.5 * ops.mean(ops.square(fake))
        return ops.mean(fake) - ops.mean(real)

    def generator_loss(self, fake_logits):
        """Loss of the generator given the discriminator's outputs on its samples."""
        fake = _f32(fake_logits)
        if self.name == "non_saturating":
            return ops.mean(ops.softplus(-fake))
        if self.name == "minimax":
            # log(1 - sigmoid(x)) = -softplus(x); the generator minimises it.
            return -ops.mean(ops.softplus(fake))
        if self.name == "least_squares":
            return 0.5 * ops.mean(ops.square(fake - 1.0))
        return -ops.mean(fake)


def gradient_penalty(critic, real, fake, epsilon):
    """Mean of (||grad critic(x_hat)||_2 - 1)^2 on random interpolates.

    Args:
        critic: a function of a batch of samples returning one output each.
        real: real samples.
        fake: generated samples (gradients to the generator are stopped).
        epsilon: uniform [0, 1) mixing weights shaped (batch, 1, ..., 1).

    Returns:
        The float32 scalar penalty, differentiable with respect to the
        critic's weights on every backend.

    Example:

    A linear critic `x . w` has gradient `w` everywhere: with `||w|| = 5`
    the penalty is `(5 - 1)^2 = 16`.

    >>> import keras
    >>> w = ops.convert_to_tensor([[3.0], [4.0]])
    >>> real, fake = ops.ones((4, 2)), ops.zeros((4, 2))
    >>> epsilon = keras.random.uniform((4, 1), seed=0)
    >>> float(gradient_penalty(lambda x: ops.matmul(x, w), real, fake, epsilon))
    16.0

    Reference: Gulrajani et al., "Improved Training of Wasserstein GANs",
    NeurIPS 2017, Algorithm 1.
    """
    real, fake = _f32(real), _f32(ops.stop_gradient(fake))
    mixed = epsilon * real + (1.0 - epsilon) * fake
    gradients = input_gradients(lambda x: ops.sum(_f32(critic(x))), ops.stop_gradient(mixed))
    gradients = ops.reshape(_f32(gradients), (ops.shape(gradients)[0], -1))
    # The epsilon keeps the norm's gradient finite where the gradient is 0.
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=1) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))

