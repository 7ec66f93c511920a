import os
import shutil

import numpy as np
import pytest

from keras_gen.presets import from_preset
from tests.presets.conftest import weights_of


def test_the_same_call_loads_folders_files_and_uris(tiny_run, tiny_preset, fake_hub, tmp_path):
    import keras

    run, model = tiny_run
    folder, _ = tiny_preset
    store, _ = fake_hub
    shutil.copytree(folder, store / "me" / "tiny")
    keras_dir = str(tmp_path / "keras_dir")
    keras.saving.save_model(model, keras_dir, zipped=False)  # Keras's own folder format (as on the Hub)
    for source in (folder, run, os.path.join(run, "model.keras"), keras_dir, "hf://me/tiny"):
        loaded = from_preset(source)
        assert type(loaded).__name__ == "RBM", source
        for a, b in zip(weights_of(loaded), weights_of(model)):
            np.testing.assert_array_equal(a, b)


def test_a_shipped_preset_samples():
    from keras_gen.models import DCGAN

    model = from_preset("dcgan_mnist", cls=DCGAN)
    images = model.sample(4, seed=0)
    assert images.shape == (4, 28, 28, 1) and np.isfinite(images).all()
    np.testing.assert_array_equal(images, model.sample(4, seed=0))


@pytest.mark.parametrize("name, cls_name", [("vae_mnist", "DCGAN"), ("dcgan_mnist", "VAE"),
                                            ("rbm_mnist", "DBN")])
def test_another_family_is_refused_before_loading(name, cls_name):
    import keras_gen.models

    cls = getattr(keras_gen.models, cls_name)
    with pytest.raises(ValueError, match=f"Expected a preset of {cls_name}. Received: preset='{name}'"):
        from_preset(name, cls=cls)


def test_a_subclass_preset_is_accepted_by_its_base(tiny_preset):
    from keras_gen.models import RBM

    assert isinstance(from_preset(tiny_preset[0], cls=RBM), RBM)


def test_from_preset_on_the_model_class_checks_the_family():
    from keras_gen.models import DCGAN
    from keras_gen.models import VAE
    from keras_gen.models import GenerativeModel

    assert isinstance(DCGAN.from_preset("dcgan_mnist"), DCGAN)
    assert isinstance(GenerativeModel.from_preset("vae_mnist"), VAE)
    with pytest.raises(ValueError, match="Expected a preset of DCGAN"):
        DCGAN.from_preset("vae_mnist")
