import os

import keras
import numpy as np
import pytest

from keras_gen.models import RBM
from tests.helpers import assert_round_trip
from tests.models.rbm.common import trained


@pytest.mark.parametrize("persistent", [False, True])
def test_reconstruction_and_pseudo_likelihood_improve(digits, persistent):
    x = digits[0][:600]
    rbm, history = trained(x, epochs=6, persistent=persistent, persistent_chains=30)
    errors, pseudo = history["reconstruction_error"], history["pseudo_likelihood"]
    assert errors[-1] < 0.9 * errors[0]
    assert pseudo[-1] > pseudo[0]
    assert np.isfinite(history["loss"]).all()


def test_gaussian_visible_units_learn(digits):
    x = digits[0][:600]
    x = (x - x.mean(0)) / (x.std(0) + 1e-3)
    rbm, history = trained(x, visible_type="gaussian", epochs=3)
    rbm.compile(optimizer=keras.optimizers.SGD(0.01))
    errors = history["reconstruction_error"]
    assert errors[-1] < errors[0]
    assert "pseudo_likelihood" not in history


def test_cd_k_runs_more_gibbs_sweeps(digits):
    rbm, history = trained(digits[0][:200], cd_steps=3, epochs=2)
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]


def test_save_load_round_trip_with_persistent_chains(digits, tmp_path):
    x = digits[0][:200]
    rbm, _ = trained(x, epochs=1, persistent=True, persistent_chains=10)
    restored = assert_round_trip(
        rbm, tmp_path / "rbm.keras",
        {"chains": lambda m: keras.ops.convert_to_numpy(m.chains),
         "call": lambda m: keras.ops.convert_to_numpy(m(x[:50])),
         "free_energy": lambda m: keras.ops.convert_to_numpy(m.free_energy(x[:50])),
         "sample": lambda m: m.sample(5, seed=3, gibbs_steps=20)})
    assert restored.persistent
    # Training resumes from the same state (weights, chains, seed, optimizer).
    rbm.fit(x, batch_size=20, epochs=1, verbose=0, shuffle=False)
    restored.fit(x, batch_size=20, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(rbm.kernel), keras.ops.convert_to_numpy(restored.kernel), atol=1e-6
    )


def test_filters_image_and_export_parts(digits, tmp_path):
    x = digits[0][:100]
    rbm, _ = trained(x, epochs=1, hidden_units=9)
    path = rbm.filters_image(str(tmp_path / "filters.png"))
    assert os.path.getsize(path) > 0
    model, metadata = rbm.export_parts()["features"]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)), rbm.transform(x), atol=1e-6)
    assert metadata["inputs"]["visible"]["range"] == [0.0, 1.0]
    assert metadata["output_range"] == [0.0, 1.0]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"hidden_units": 0}, "hidden_units"),
        ({"hidden_units": 2.5}, "hidden_units"),
        ({"hidden_units": 4, "cd_steps": 0}, "cd_steps"),
        ({"hidden_units": 4, "visible_type": "binary"}, "visible_type"),
        ({"hidden_units": 4, "persistent_chains": 0}, "persistent_chains"),
        ({"hidden_units": 4, "persistent": "yes"}, "persistent"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RBM(**kwargs)


def test_bad_data_raises_before_training(digits):
    x = digits[0][:40]
    rbm = RBM(8, seed=0)
    rbm.compile()
    with pytest.raises(ValueError, match=r"x.*\[0, 1\]"):
        rbm.fit(x * 16, epochs=1, verbose=0)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rbm.fit(bad, epochs=1, verbose=0)
    assert not rbm.built  # nothing ran
    rbm.fit(x, batch_size=20, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="64 features"):
        rbm.fit(x[:, :10], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="mask"):
        rbm.complete(x[:3], np.ones((3, 10)))
    with pytest.raises(ValueError, match="mask"):
        rbm.complete(x[:3], np.full(64, 0.5))
    with pytest.raises(ValueError, match="v"):
        rbm.free_energy(np.full((2, 64), np.inf))
    with pytest.raises(ValueError, match="count"):
        rbm.sample(0)
    with pytest.raises(ValueError, match="gibbs_steps"):
        rbm.sample(2, gibbs_steps=0)
    with pytest.raises(ValueError, match="steps"):
        rbm.gibbs(x[:2], steps=0)
    gaussian = RBM(4, visible_type="gaussian")
    gaussian.compile()
    gaussian.fit(x * 16 - 8, batch_size=20, epochs=1, verbose=0)  # any real values
