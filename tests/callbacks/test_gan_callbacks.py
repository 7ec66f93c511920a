import keras
import numpy as np
import pytest
from PIL import Image

from keras_gen.callbacks.generator_ema import GeneratorEMA
from keras_gen.callbacks.sample_grid import SampleGrid
from keras_gen.models.gan import ConditionalGAN
from keras_gen.models.gan import DCGAN


def images(count=8):
    return np.random.default_rng(0).uniform(-1, 1, (count, 8, 8, 1)).astype("float32")


def small_gan(**kwargs):
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=0, **kwargs)
    gan.compile()
    return gan


def test_sample_grid_writes_one_png_per_epoch(tmp_path, backend):
    grid = SampleGrid(tmp_path / "samples", count=6, scale=1)
    small_gan().fit(images(), batch_size=4, epochs=2, verbose=0, callbacks=[grid])
    assert [p.split("/")[-1] for p in grid.paths] == ["epoch_001.png", "epoch_002.png"]
    first, second = (np.asarray(Image.open(p)) for p in grid.paths)
    assert first.shape == (2 * 9 + 1, 3 * 9 + 1)  # 6 samples: 3 columns, 2 rows
    assert not np.array_equal(first, second)  # same noise, trained generator


def test_sample_grid_of_a_conditional_gan_has_a_column_per_class(tmp_path, backend):
    gan = ConditionalGAN.dcgan((8, 8, 1), num_classes=3, latent_dim=4, base_filters=4)
    gan.compile()
    grid = SampleGrid(tmp_path, count=6, scale=1)
    gan.fit(images(6), np.arange(6) % 3, batch_size=3, verbose=0, callbacks=[grid])
    assert np.asarray(Image.open(grid.paths[0])).shape == (2 * 9 + 1, 3 * 9 + 1)


def test_generator_ema_averages_the_weights(backend):
    gan = small_gan()
    start = [keras.ops.convert_to_numpy(w) for w in gan.generator.trainable_weights]
    ema = GeneratorEMA(decay=0.5)
    gan.fit(images(), batch_size=4, epochs=1, verbose=0, callbacks=[ema])
    final = [keras.ops.convert_to_numpy(w) for w in gan.generator.trainable_weights]
    averaged = [keras.ops.convert_to_numpy(w) for w in ema.ema_generator.trainable_weights]
    # Two updates with decay 0.5: between the start and the end, not equal to either.
    kernel = 0
    assert not np.allclose(averaged[kernel], final[kernel])
    assert not np.allclose(averaged[kernel], start[kernel])
    lower = np.minimum(start[kernel], final[kernel]) - 1e-3
    upper = np.maximum(start[kernel], final[kernel]) + 1e-3
    assert ((averaged[kernel] >= lower) & (averaged[kernel] <= upper)).mean() > 0.9
    assert ema.ema_generator(np.zeros((2, 4), "float32")).shape == (2, 8, 8, 1)


def test_generator_ema_can_replace_the_generator(backend):
    gan = small_gan()
    ema = GeneratorEMA(decay=0.9, apply_on_train_end=True)
    gan.fit(images(), batch_size=4, verbose=0, callbacks=[ema])
    for a, b in zip(gan.generator.weights, ema.ema_generator.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="decay"):
        GeneratorEMA(decay=1.0)
    with pytest.raises(ValueError, match="count"):
        SampleGrid(tmp_path, count=0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    with pytest.raises(ValueError, match="GAN"):
        model.fit(np.zeros((2, 2)), np.zeros((2, 1)), verbose=0, callbacks=[SampleGrid(tmp_path)])
