import keras
import numpy as np
import pytest

from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_discriminator
from keras_gen.models.pix2pix.patchgan_discriminator import patchgan_receptive_field


@pytest.mark.slow
@pytest.mark.parametrize("size,field", [(128, 34), (256, 70)])
def test_default_layers_give_the_papers_fields(size, field):
    discriminator = patchgan_discriminator(image_size=size, channels=6, filters=2)
    layers = int(np.log2(size // discriminator.output_shape[1]))
    assert patchgan_receptive_field(layers) == field


def test_receptive_field_is_measured():
    """Perturbing one pixel moves only logits whose field covers it."""
    model = patchgan_discriminator(image_size=32, channels=1, filters=2, layers=1, normalization="none")
    x = np.zeros((1, 32, 32, 1), "float32")
    y = x.copy()
    y[0, 16, 16, 0] = 1.0
    diff = np.abs(keras.ops.convert_to_numpy(model(y) - model(x)))[0, :, :, 0]
    rows = np.nonzero(diff.max(axis=1) > 0)[0]
    # Output cell i covers input rows [2i - 7, 2i + 8] (stride 2, field 16).
    assert rows.max() - rows.min() + 1 <= patchgan_receptive_field(1) // 2 + 1
    assert len(rows) > 1


def test_bad_sizes():
    with pytest.raises(ValueError, match="layers"):
        patchgan_discriminator(image_size=36, layers=3)
