import keras
import pytest

from keras_gen.layers.instance_normalization import InstanceNormalization
from keras_gen.models.cyclegan import resnet_generator


def test_generator_structure():
    model = resnet_generator(image_size=32, filters=4)
    assert model.output_shape == (None, 32, 32, 3)
    names = [type(layer).__name__ for layer in model.layers]
    assert names.count("Add") == 6 and "ReflectionPadding2D" in names
    assert "ZeroPadding2D" not in names
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.GroupNormalization)]
    # Instance norm: one group per channel, statistics one axis at a time.
    assert norms and all(isinstance(layer, InstanceNormalization) for layer in norms)
    assert resnet_generator(image_size=256, filters=2).count_params() > 0
    with pytest.raises(ValueError, match="image_size"):
        resnet_generator(image_size=18, downsamplings=2)
