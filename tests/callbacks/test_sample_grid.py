import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.callbacks.sample_grid import SampleGrid
from keras_gen.utils.images import image_grid


class _Generator:
    """A stand-in with the interface SampleGrid needs: `latent_dim` and `generate`."""

    latent_dim = 3
    data_range = (-1.0, 1.0)

    def __init__(self):
        self.calls = []
        self.shift = 0.0

    def generate(self, noise, labels=None):
        self.calls.append((np.array(noise), labels))
        pixel = np.tanh(noise[:, :1] + self.shift)  # one value per sample, from its noise
        return np.broadcast_to(pixel[:, :, None, None], (len(noise), 2, 2, 1)).copy()


class _ConditionalGenerator(_Generator):
    num_classes = 3


def _run(grid, model, epochs):
    grid.set_model(model)
    grid.set_params({"epochs": epochs})
    grid.on_train_begin()
    for epoch in range(epochs):
        grid.on_epoch_end(epoch)


def test_writes_every_n_epochs_and_after_the_last(tmp_path):
    grid = SampleGrid(tmp_path / "grids", count=4, every=2, scale=1)
    _run(grid, _Generator(), epochs=5)
    names = [os.path.basename(path) for path in grid.paths]
    assert names == ["epoch_002.png", "epoch_004.png", "epoch_005.png"]
    assert sorted(os.listdir(tmp_path / "grids")) == names


def test_grid_shows_the_same_fixed_noise_each_epoch(tmp_path):
    model = _Generator()
    grid = SampleGrid(tmp_path, count=4, every=1, seed=5, scale=2)
    _run(grid, model, epochs=2)
    first_noise, second_noise = model.calls[0][0], model.calls[1][0]
    assert first_noise.shape == (4, 3)
    np.testing.assert_array_equal(first_noise, second_noise)
    np.testing.assert_array_equal(
        first_noise, np.random.default_rng(5).standard_normal((4, 3)).astype("float32")
    )
    expected = image_grid(model.generate(first_noise), None, (-1.0, 1.0))
    expected = expected.repeat(2, axis=0).repeat(2, axis=1)[..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(grid.paths[0])), expected)


def test_conditional_model_gets_classes_in_turn_one_class_per_column(tmp_path):
    model = _ConditionalGenerator()
    grid = SampleGrid(tmp_path, count=6, scale=1, value_range=(0.0, 1.0))
    _run(grid, model, epochs=1)
    np.testing.assert_array_equal(model.calls[0][1], [0, 1, 2, 0, 1, 2])
    expected = image_grid(model.generate(model.calls[0][0]), 3, (0.0, 1.0))[..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(grid.paths[0])), expected)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"count": 0}, r"Expected `count` to be an integer >= 1\. Received: count=0"),
        ({"every": 1.5}, "Received: every=1.5"),
        ({"scale": -2}, "Received: scale=-2"),
    ],
)
def test_bad_arguments_raise(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        SampleGrid(tmp_path, **kwargs)


def test_model_without_generate_raises(tmp_path):
    grid = SampleGrid(tmp_path / "never")
    grid.set_model(object())
    grid.set_params({"epochs": 1})
    with pytest.raises(ValueError, match="Expected a model with `latent_dim` and `generate\\(\\)`.*type object"):
        grid.on_train_begin()
    assert not os.path.exists(tmp_path / "never")
