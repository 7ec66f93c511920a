import os

import keras
import numpy as np
import pytest

from keras_gen.models.cyclegan import CycleGAN
from keras_gen.callbacks.translation_grid import TranslationGrid
from tests.helpers import assert_round_trip

SIZE = 16


def unpaired_facades(shared_data, count=4, size=SIZE):
    """Real unpaired photos (A) and label maps (B), box-downsampled, in [-1, 1]."""
    with np.load(os.path.join(shared_data, "cyclegan_facades_128.npz")) as data:
        a, b = data["a_train"][:count], data["b_train"][:count]
    factor = 128 // size

    def shrink(images):
        images = images.astype("float32").reshape(count, size, factor, size, factor, 3)
        return images.mean(axis=(2, 4)) / 127.5 - 1.0

    return shrink(a), shrink(b)


def tiny(**kwargs):
    kwargs = {"image_size": SIZE, "generator_filters": 4, "discriminator_filters": 4,
              "residual_blocks": 1, "pool_size": 4, "seed": 0, **kwargs}
    return CycleGAN(**kwargs)


@pytest.mark.slow
def test_trains_and_round_trips(tmp_path, shared_data):
    a, b = unpaired_facades(shared_data)
    model = tiny()
    model.compile(total_steps=8)
    reconstruction_before = np.abs(model.cycle(a) - a).mean()
    grid = TranslationGrid(str(tmp_path), a[:2])
    history = model.fit(a, b, batch_size=2, epochs=4, verbose=0, callbacks=[grid])
    assert history.history["g_loss"][-1] < history.history["g_loss"][0]
    assert np.abs(model.cycle(a) - a).mean() < reconstruction_before
    assert all(np.isfinite(history.history["d_loss"]))
    for name in ("generator", "discriminator"):
        optimizer = model.optimizer[name]
        assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == 8
        # The linear decay reached zero at the last step.
        assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == 0.0
    assert int(keras.ops.convert_to_numpy(model.pool_a.count)) == 4
    assert len(grid.paths) == 4 and os.path.isfile(grid.paths[-1])

    assert_round_trip(
        model, tmp_path / "cyclegan.keras",
        {"a_to_b": lambda m: m.translate(a), "b_to_a": lambda m: m.translate(b, direction="b_to_a"),
         "cycle": lambda m: m.cycle(a), "call": lambda m: keras.ops.convert_to_numpy(m(a)),
         "pool": lambda m: keras.ops.convert_to_numpy(m.pool_b.buffer),
         # Draws from the pool's SeedGenerator (the model saves its state).
         "pool draw": lambda m: keras.ops.convert_to_numpy(m.pool_a(-a))},
        train=lambda m: m.fit(a, b, batch_size=2, epochs=1, verbose=0))


def test_export_parts():
    model = tiny(channels_b=1, identity_weight=0.0)
    parts = model.export_parts()
    assert set(parts) == {"generator", "generator_reverse"}
    forward, metadata = parts["generator"]
    backward, _ = parts["generator_reverse"]
    assert forward.output_shape == (None, SIZE, SIZE, 1)
    assert backward.output_shape == (None, SIZE, SIZE, 3)
    assert metadata["output_range"] == [-1.0, 1.0]
    x = np.random.default_rng(0).uniform(-1, 1, (2, SIZE, SIZE, 3)).astype("float32")
    np.testing.assert_allclose(forward.predict(x, verbose=0), model.translate(x), atol=1e-5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="cycle_weight"):
        tiny(cycle_weight=-1.0)
    with pytest.raises(ValueError, match="identity_weight"):
        tiny(identity_weight=-0.5)
    with pytest.raises(ValueError, match="pool_size"):
        tiny(pool_size=-1)
    with pytest.raises(ValueError, match="identity_weight"):
        tiny(channels_b=1)
    model = tiny()
    model.compile()
    x = np.zeros((2, SIZE, SIZE, 3), "float32")
    with pytest.raises(ValueError, match="b"):
        model.fit(x, np.zeros((2, 2 * SIZE, 2 * SIZE, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="a"):
        model.fit(np.zeros((2, SIZE, SIZE, 1), "float32"), x, verbose=0)
    with pytest.raises(ValueError, match="direction"):
        model.translate(x, direction="sideways")
    assert int(keras.ops.convert_to_numpy(model.optimizer["generator"].iterations)) == 0
