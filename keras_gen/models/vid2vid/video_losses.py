"""Loss terms of Vid2Vid, in `keras.ops`: masked L1, GAN and feature matching per scale."""

import keras

from keras_gen.models.vid2vid.multiscale_discriminator import outputs_by_scale

__all__ = ["masked_l1", "discriminator_loss", "generator_adversarial_losses"]


def masked_l1(a, b, mask=None):
    """Mean `|a - b|` over the pixels where `mask` (broadcast over channels) is 1.

    Example:

    >>> import numpy as np
    >>> a, b = np.zeros((1, 2, 2, 1), "float32"), np.ones((1, 2, 2, 1), "float32")
    >>> mask = np.array([[[[1.0], [0.0]], [[0.0], [0.0]]]], "float32")
    >>> float(masked_l1(a, b * 3, mask)), float(masked_l1(a, b))
    (3.0, 1.0)
    """
    ops = keras.ops
    difference = ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32"))
    if mask is None:
        return ops.mean(difference)
    mask = ops.cast(mask, "float32")
    channels = difference.shape[-1]
    # Averaged over the masked pixels only (at least one, so never 0 / 0).
    return ops.sum(difference * mask) / ops.maximum(ops.sum(mask) * channels, 1.0)


def discriminator_loss(adversarial, real_outputs, fake_outputs, scales):
    """`adversarial.discriminator_loss` of each scale's logits, averaged over scales."""
    real, fake = outputs_by_scale(real_outputs, scales), outputs_by_scale(fake_outputs, scales)
    return sum(adversarial.discriminator_loss(r[-1], f[-1]) for r, f in zip(real, fake)) / scales


def generator_adversarial_losses(adversarial, real_outputs, fake_outputs, scales):
    """The generator's adversarial loss and its feature-matching loss, per scale averaged.

    Feature matching is the mean L1 distance between the discriminator's
    block features of the real and the generated input (the real ones held
    fixed), over blocks and scales (pix2pixHD).
    """
    ops = keras.ops
    real, fake = outputs_by_scale(real_outputs, scales), outputs_by_scale(fake_outputs, scales)
    adversarial_loss = sum(adversarial.generator_loss(f[-1]) for f in fake) / scales
    matching = []
    for r, f in zip(real, fake):
        for real_feature, fake_feature in zip(r[:-1], f[:-1]):
            matching.append(masked_l1(fake_feature, ops.stop_gradient(real_feature)))
    return adversarial_loss, sum(matching) / len(matching)
