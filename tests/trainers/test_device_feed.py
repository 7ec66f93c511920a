import keras
import numpy as np
import pytest
from keras.src.trainers.data_adapters.array_slicing import train_validation_split

from keras_gen.data import DeviceDataset
from keras_gen.models.autoencoders import Autoencoder
from keras_gen.models.gan import GAN
from keras_gen.models.rbm import RBM
from keras_gen.models.vae import VAE
from keras_gen.trainers import get_device_feed
from keras_gen.trainers import set_device_feed
from keras_gen.trainers import staged_fit_arguments


@pytest.fixture
def mode():
    previous = get_device_feed()
    yield set_device_feed
    set_device_feed(previous)


@pytest.fixture
def staged(monkeypatch):
    """The DeviceDatasets that `fit` builds from arrays."""
    import sys

    built = []

    class Counted(DeviceDataset):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(sys.modules["keras_gen.trainers.device_feed"], "DeviceDataset", Counted)
    return built


def test_auto_leaves_cpu_training_to_keras(mode):
    mode("auto")
    x = np.zeros((8, 3), "float32")
    arguments = staged_fit_arguments(x, None, (4, 2), {"verbose": 0})
    assert arguments["x"] is x
    assert (arguments["batch_size"], arguments["epochs"], arguments["verbose"]) == (4, 2, 0)


def test_never_and_unstageable_inputs_pass_through(mode):
    x = np.zeros((8, 3), "float32")
    mode("never")
    assert staged_fit_arguments(x, None, (), {})["x"] is x
    mode("always")
    for kwargs in ({"sample_weight": np.ones(8)}, {"class_weight": {0: 1.0}},
                   {"steps_per_epoch": 2}, {"shuffle": "batch"}):
        assert staged_fit_arguments(x, None, (), kwargs)["x"] is x, kwargs
    assert staged_fit_arguments(x.tolist(), None, (), {})["x"] == x.tolist()
    assert staged_fit_arguments(x, np.zeros(7), (), {})["x"] is x
    dataset = DeviceDataset(x, batch_size=4)
    assert staged_fit_arguments(dataset, None, (), {})["x"] is dataset


def test_always_stages_arrays_with_the_same_batches_and_split_as_keras(mode):
    mode("always")
    x = np.arange(30, dtype="float32").reshape(10, 3)
    y = np.arange(10)
    arguments = staged_fit_arguments(x, y, (4,), {"shuffle": False, "validation_split": 0.2})
    data = arguments["x"]
    assert isinstance(data, DeviceDataset) and arguments["y"] is None
    assert "batch_size" not in arguments and "validation_split" not in arguments
    (x_train, y_train), (x_val, y_val) = train_validation_split((x, y), validation_split=0.2)
    np.testing.assert_array_equal(arguments["validation_data"][0], x_val)
    np.testing.assert_array_equal(arguments["validation_data"][1], y_val)
    assert len(data) == 2  # 8 training samples in batches of 4
    batches = [tuple(keras.ops.convert_to_numpy(t) for t in data[i]) for i in range(len(data))]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), x_train)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y_train)


def test_default_batch_size_is_keras_default(mode):
    mode("always")
    data = staged_fit_arguments(np.zeros((70, 2), "float32"), None)["x"]
    assert data.batch_size == 32 and data.shuffle


def test_bad_mode_raises(mode, monkeypatch):
    with pytest.raises(ValueError, match="mode='fast'"):
        mode("fast")
    import sys

    module = sys.modules["keras_gen.trainers.device_feed"]

    monkeypatch.setitem(module._state, "mode", None)
    monkeypatch.setenv("KERAS_GEN_DEVICE_FEED", "sometimes")
    with pytest.raises(ValueError, match="KERAS_GEN_DEVICE_FEED='sometimes'"):
        get_device_feed()


def _fit_twice(build, x, y=None, **kwargs):
    """Final weights of two seeded runs, and the first run's history."""
    results = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        model = build()
        history = model.fit(x, y, epochs=3, verbose=0, **kwargs)
        results.append([keras.ops.convert_to_numpy(w) for w in model.weights])
    for first, second in zip(*results):
        np.testing.assert_array_equal(first, second)
    return history.history


def test_models_train_from_staged_arrays(mode, staged):
    mode("always")
    rng = np.random.default_rng(0)
    binary = (rng.random((64, 12)) > 0.5).astype("float32")

    def vae():
        model = VAE.dense((12,), latent_dim=2, hidden_units=(8,), seed=0)
        model.compile(optimizer=keras.optimizers.Adam(0.01))
        return model

    history = _fit_twice(vae, binary, batch_size=16, validation_split=0.25)
    assert history["loss"][-1] < history["loss"][0]
    assert len(history["val_loss"]) == 3

    def rbm():
        model = RBM(hidden_units=6, seed=0)
        model.compile()
        return model

    history = _fit_twice(rbm, binary.astype("uint8"), batch_size=16)
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]

    def autoencoder():
        model = Autoencoder.dense((12,), code_dim=3, hidden_units=(8,))
        model.compile(optimizer=keras.optimizers.Adam(0.01))
        return model

    history = _fit_twice(autoencoder, binary, binary, batch_size=16)
    assert history["loss"][-1] < history["loss"][0]
    assert [len(data) for data in staged] == [3, 3, 4, 4, 4, 4]  # two runs each; 48 + 16 held out


def test_gan_trains_from_staged_arrays(mode, staged):
    mode("always")
    images = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")

    def gan():
        generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)])
        discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model = GAN(generator, discriminator, latent_dim=2, seed=0)
        model.compile()
        return model

    history = _fit_twice(gan, images, batch_size=8)
    assert np.isfinite(history["d_loss"]).all() and len(history["d_loss"]) == 3
    assert [len(data) for data in staged] == [4, 4]


def test_auto_stages_what_fits_a_quarter_of_free_accelerator_memory(mode, monkeypatch, backend):
    import sys

    module = sys.modules["keras_gen.trainers.device_feed"]
    mode("auto")
    x = np.zeros((100, 10), "float32")  # 4,000 bytes; staged it takes two copies
    monkeypatch.setattr(module, "_free_accelerator_bytes", lambda: 32_000)
    staged = isinstance(staged_fit_arguments(x, None, (), {"epochs": 2})["x"], DeviceDataset)
    # TensorFlow feeds arrays through tf.data (prefetching), so auto leaves it be.
    assert staged == (backend in ("jax", "torch"))
    monkeypatch.setattr(module, "_free_accelerator_bytes", lambda: 31_999)
    assert staged_fit_arguments(x, None, (), {"epochs": 2})["x"] is x


def test_auto_stages_a_one_epoch_call(mode, monkeypatch, backend):
    import sys

    module = sys.modules["keras_gen.trainers.device_feed"]
    mode("auto")
    monkeypatch.setattr(module, "_free_accelerator_bytes", lambda: 10**12)
    x = np.zeros((100, 10), "float32")
    # The copy overlaps the first epoch (DeviceDataset's pieces), so one epoch pays too.
    staged = isinstance(staged_fit_arguments(x, None)["x"], DeviceDataset)
    assert staged == (backend in ("jax", "torch"))
