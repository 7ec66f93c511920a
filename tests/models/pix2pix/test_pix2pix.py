import os

import keras
import numpy as np
import pytest

from keras_gen.models.pix2pix import Pix2Pix
from tests.helpers import assert_round_trip

SIZE = 16


def facades(shared_data, count=8, size=SIZE):
    """Real label-map -> photo pairs, box-downsampled to `size` px, in [-1, 1]."""
    with np.load(os.path.join(shared_data, "facades_128.npz")) as data:
        source, target = data["inputs_train"][:count], data["targets_train"][:count]
    factor = 128 // size

    def shrink(images):
        images = images.astype("float32").reshape(count, size, factor, size, factor, 3)
        return images.mean(axis=(2, 4)) / 127.5 - 1.0

    return shrink(source), shrink(target)


def tiny(**kwargs):
    kwargs = {"image_size": SIZE, "generator_filters": 4, "discriminator_filters": 4, **kwargs}
    return Pix2Pix(**kwargs)


@pytest.mark.slow
def test_l1_falls_on_facades(shared_data):
    source, target = facades(shared_data)
    model = tiny()
    model.compile(
        generator_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        discriminator_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
    )
    before = np.abs(model.translate(source) - target).mean()
    history = model.fit(source, target, batch_size=4, epochs=12, verbose=0)
    after = np.abs(model.translate(source) - target).mean()
    assert after < 0.8 * before
    assert history.history["l1_loss"][-1] < history.history["l1_loss"][0]
    assert all(np.isfinite(history.history["d_loss"]))
    for name in ("generator", "discriminator"):
        assert int(keras.ops.convert_to_numpy(model.optimizer[name].iterations)) == 24


@pytest.mark.slow
def test_keras_round_trip(tmp_path, shared_data):
    source, target = facades(shared_data, count=4)
    model = tiny(l1_weight=50.0)
    model.compile()
    model.fit(source, target, batch_size=2, epochs=1, verbose=0)
    restored = assert_round_trip(
        model, tmp_path / "pix2pix.keras", {"translate": lambda m: m.translate(source)},
        train=lambda m: m.fit(source, target, batch_size=2, epochs=1, verbose=0))
    assert restored.l1_weight == 50.0


def test_a_file_saved_with_group_normalization_loads_as_saved(tmp_path):
    """Files from before InstanceNormalization store GroupNormalization weights
    under paths named after that class: load_model rebuilds them with it."""
    from keras_gen.layers.normalization import group_instance_normalization
    from keras_gen.models import load_model

    with group_instance_normalization():
        old = tiny()
    x = np.random.default_rng(0).uniform(-1, 1, (2, SIZE, SIZE, 3)).astype("float32")
    old.save(tmp_path / "old.keras")
    restored = load_model(tmp_path / "old.keras")
    kinds = {type(layer).__name__ for layer in restored.generator.layers}
    assert "GroupNormalization" in kinds and "InstanceNormalization" not in kinds
    np.testing.assert_array_equal(restored.translate(x), old.translate(x))
    # New models build InstanceNormalization, and their files load as such.
    new = tiny()
    assert "InstanceNormalization" in {type(layer).__name__ for layer in new.discriminator.layers}
    new.save(tmp_path / "new.keras")
    again = load_model(tmp_path / "new.keras")
    assert "GroupNormalization" not in {type(layer).__name__ for layer in again.generator.layers}
    np.testing.assert_array_equal(again.translate(x), new.translate(x))


def test_export_parts_is_inference_mode():
    model = tiny()
    parts = model.export_parts()
    generator, metadata = parts["generator"]
    assert isinstance(generator, keras.Model) and generator.input_shape == (None, SIZE, SIZE, 3)
    assert metadata["output_range"] == [-1.0, 1.0]
    assert set(metadata["inputs"]) == {generator.inputs[0].name}
    x = np.random.default_rng(1).uniform(-1, 1, (3, SIZE, SIZE, 3)).astype("float32")
    np.testing.assert_allclose(generator.predict(x, verbose=0), model.translate(x), atol=1e-5)
    noisy = model.translate(x, noise=True)
    assert np.abs(noisy - model.translate(x)).max() > 1e-4


def test_bad_inputs():
    with pytest.raises(ValueError, match="l1_weight"):
        tiny(l1_weight=-1.0)
    with pytest.raises(ValueError, match="image_size"):
        Pix2Pix(image_size=48, depth=5)
    model = tiny()
    model.compile()
    x = np.zeros((4, SIZE, SIZE, 3), "float32")
    with pytest.raises(ValueError, match="target"):
        model.fit(x, np.zeros((4, 2 * SIZE, 2 * SIZE, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="target"):
        model.fit(x, np.zeros((4, SIZE, SIZE, 1), "float32"), verbose=0)
    with pytest.raises(ValueError, match="source"):
        model.fit(np.zeros((4, SIZE, SIZE, 1), "float32"), x, verbose=0)
    with pytest.raises(ValueError, match="as many"):
        model.fit(x, x[:3], verbose=0)
    with pytest.raises(ValueError, match="images"):
        model.translate(np.zeros((2, SIZE + 2, SIZE + 2, 3), "float32"))
    for name in ("generator", "discriminator"):
        assert int(keras.ops.convert_to_numpy(model.optimizer[name].iterations)) == 0
