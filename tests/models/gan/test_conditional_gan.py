import keras
import numpy as np
import pytest

from keras_gen.models.gan import ConditionalGAN
from tests.helpers import assert_round_trip


def small_cgan(**kwargs):
    return ConditionalGAN.dcgan((8, 8, 1), num_classes=3, latent_dim=8, base_filters=4,
                                seed=0, **kwargs)


def test_trains_and_round_trips(tmp_path, backend):
    gan = small_cgan()
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (12, 8, 8, 1)).astype("float32")
    history = gan.fit(images, np.arange(12) % 3, batch_size=4, verbose=0)
    assert np.isfinite(history.history["g_loss"]).all()
    noise = np.random.default_rng(1).normal(size=(3, 8)).astype("float32")
    assert_round_trip(
        gan, tmp_path / "cgan.keras",
        {"generate": lambda m: m.generate(noise, labels=[0, 1, 2]),
         "sample": lambda m: m.sample(3, labels=[2, 1, 0])},
        train=lambda m: m.fit(images, np.arange(12) % 3, batch_size=4, verbose=0))


def test_labels_change_the_samples(backend):
    gan = small_cgan()
    noise = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    zeros, twos = gan.generate(noise, labels=[0, 0]), gan.generate(noise, labels=[2, 2])
    assert not np.allclose(zeros, twos)
    assert gan.sample(5).shape == (5, 8, 8, 1)


def test_export_parts_takes_noise_and_labels(backend):
    gan = small_cgan()
    model, metadata = gan.export_parts()["generator"]
    assert set(metadata["inputs"]) == {"noise", "labels"}
    noise = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    labels = np.array([1, 2], "int32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model([noise, labels])),
                               gan.generate(noise, labels=labels), atol=1e-6)


def test_bad_inputs(backend):
    gan = small_cgan()
    gan.compile()
    images = np.zeros((4, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match="labels"):
        gan.fit(images, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        gan.fit(images, np.array([0, 1, 2, 3]), verbose=0)
    with pytest.raises(ValueError, match="4 integer labels"):
        gan.fit(images, np.array([0, 1]), verbose=0)
    with pytest.raises(ValueError, match="num_classes"):
        ConditionalGAN(gan.generator, gan.discriminator, 8, num_classes=1)
    plain = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="two inputs"):
        ConditionalGAN(plain, gan.discriminator, 8, num_classes=3)


def test_dataset_without_labels_is_refused(backend):
    if backend != "tensorflow":
        pytest.skip("tf.data input")
    import tensorflow as tf

    gan = small_cgan()
    gan.compile()
    images = tf.data.Dataset.from_tensor_slices(np.zeros((4, 8, 8, 1), "float32")).batch(2)
    with pytest.raises(ValueError, match="labels"):
        gan.fit(images, verbose=0)
    labelled = tf.data.Dataset.from_tensor_slices(
        (np.zeros((4, 8, 8, 1), "float32"), np.array([0, 1, 2, 0]))).batch(2)
    assert np.isfinite(gan.fit(labelled, verbose=0).history["d_loss"]).all()
