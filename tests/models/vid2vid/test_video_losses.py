import keras
import numpy as np

from keras_gen.losses.adversarial import AdversarialLoss
from keras_gen.models.vid2vid.video_losses import discriminator_loss
from keras_gen.models.vid2vid.video_losses import generator_adversarial_losses
from keras_gen.models.vid2vid.video_losses import masked_l1


def _value(x):
    return float(keras.ops.convert_to_numpy(x))


def test_masked_l1_averages_the_visible_pixels_of_every_channel():
    a = np.zeros((1, 2, 2, 3), "float32")
    b = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    mask = np.array([[[[0.0], [1.0]], [[0.0], [0.0]]]], "float32")  # one pixel of four
    assert _value(masked_l1(a, b, mask)) == np.mean([3.0, 4.0, 5.0])
    assert _value(masked_l1(a, b, np.zeros_like(mask))) == 0.0  # nothing visible: 0, not NaN


def test_scales_are_averaged_and_features_matched():
    loss = AdversarialLoss("least_squares")
    # Two scales of [block feature, logits], as a multi-scale discriminator returns them.
    real = [np.ones((2, 4, 4, 1)), np.full((2, 2, 2, 1), 1.0), np.ones((2, 4, 4, 1)), np.full((2, 1, 1, 1), 1.0)]
    fake = [np.zeros((2, 4, 4, 1)), np.full((2, 2, 2, 1), 0.0), np.ones((2, 4, 4, 1)), np.full((2, 1, 1, 1), 0.5)]
    real, fake = ([keras.ops.convert_to_tensor(x, "float32") for x in outputs] for outputs in (real, fake))
    per_scale = [_value(loss.discriminator_loss(real[1], fake[1])), _value(loss.discriminator_loss(real[3], fake[3]))]
    assert per_scale[0] != per_scale[1]
    np.testing.assert_allclose(_value(discriminator_loss(loss, real, fake, scales=2)), np.mean(per_scale), rtol=1e-6)
    adversarial, matching = generator_adversarial_losses(loss, real, fake, scales=2)
    expected = np.mean([_value(loss.generator_loss(fake[1])), _value(loss.generator_loss(fake[3]))])
    np.testing.assert_allclose(_value(adversarial), expected, rtol=1e-6)
    assert _value(matching) == 0.5  # features differ by 1 on the first scale, 0 on the second
