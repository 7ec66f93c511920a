
import keras
import numpy as np
import pytest

from keras_gen.metrics.feature_model import INCEPTION_WEIGHTS
from keras_gen.metrics.feature_model import inception_weights_path
from keras_gen.metrics.feature_model import load_feature_model


@pytest.mark.parametrize("shape", [(8, 8, 1), (32, 32, 3), (28, 28)])
def test_shipped_nets_take_any_image_shape(shape, backend):
    model = load_feature_model("fashion_mnist", shape)
    full = shape if len(shape) == 3 else shape + (1,)
    images = np.random.default_rng(0).uniform(size=(3,) + full).astype("float32")
    features = keras.ops.convert_to_numpy(model(images, training=False))
    assert model.input_shape[1:] == full and features.shape == (3, 64)
    assert np.isfinite(features).all()


def test_a_user_model_must_take_the_images(tmp_path, backend):
    user = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Flatten(), keras.layers.Dense(5)])
    path = str(tmp_path / "features.keras")
    user.save(path)
    assert load_feature_model(path, (16, 16, 3)).output_shape == (None, 5)
    with pytest.raises(ValueError, match=r"take images of shape \(32, 32, 3\).*\(16, 16, 3\)"):
        load_feature_model(path, (32, 32, 3))
    with pytest.raises(ValueError, match="feature_model=.*missing.keras"):
        load_feature_model(str(tmp_path / "missing.keras"), (16, 16, 3))
    (tmp_path / "broken.keras").write_text("not a model")
    with pytest.raises(ValueError, match="loadable Keras model"):
        load_feature_model(str(tmp_path / "broken.keras"), (16, 16, 3))


def test_inception_without_weights_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_GEN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(ValueError, match=INCEPTION_WEIGHTS + ".*download=False"):
        load_feature_model("inception", (32, 32, 3), download=False)
    assert inception_weights_path() == "imagenet"  # would be downloaded
    (tmp_path / "broken.h5").write_text("not weights")
    with pytest.raises(ValueError, match="broken.h5.*not HDF5"):
        load_feature_model("inception", (32, 32, 3), weights=str(tmp_path / "broken.h5"))


def test_inception_download_failure_is_one_clear_error(tmp_path, monkeypatch, backend):
    monkeypatch.setenv("KERAS_GEN_DATA", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(RuntimeError, match="Could not download the InceptionV3 weights.*"
                                           "no network.*KERAS_GEN_DATA"):
        load_feature_model("inception", (32, 32, 3))


@pytest.mark.slow
def test_inception_from_a_local_weights_file(tmp_path, monkeypatch, backend):
    # A stand-in for the ImageNet file: InceptionV3's own layout, random weights,
    # saved where keras-gen looks ($KERAS_GEN_DATA) under Keras's file name.
    from keras.src.legacy.saving import legacy_h5_format
    import h5py

    network = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=None,
                                             input_shape=(299, 299, 3))
    with h5py.File(tmp_path / INCEPTION_WEIGHTS, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, network)
    monkeypatch.setenv("KERAS_GEN_DATA", str(tmp_path))
    assert inception_weights_path(download=False) == str(tmp_path / INCEPTION_WEIGHTS)
    model = load_feature_model("inception", (16, 16, 1), download=False)
    images = np.random.default_rng(0).uniform(size=(2, 16, 16, 1)).astype("float32")
    features = keras.ops.convert_to_numpy(model(images, training=False))
    assert features.shape == (2, 2048)
    expected = network(keras.ops.image.resize(np.repeat(images, 3, -1), (299, 299),
                                              antialias=True) * 2.0 - 1.0, training=False)
    np.testing.assert_allclose(features, keras.ops.convert_to_numpy(expected), rtol=1e-4, atol=1e-4)
