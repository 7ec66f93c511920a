import keras
import numpy as np
import pytest

from keras_gen.models import ClassificationRBM
from tests.helpers import assert_round_trip


def _trained(digits, epochs=5, **kwargs):
    x, y = digits
    model = ClassificationRBM(kwargs.pop("hidden_units", 100), 10, seed=0, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5))
    history = model.fit(x[:1200], y[:1200], batch_size=20, epochs=epochs, verbose=0)
    return model, history.history


def test_accuracy_well_above_chance(digits):
    x, y = digits
    model, history = _trained(digits, epochs=10)
    accuracy = np.mean(model.predict(x[1200:]) == y[1200:])
    assert accuracy > 0.6  # chance is 0.1
    assert history["accuracy"][-1] > history["accuracy"][0]
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]
    probabilities = model.predict_proba(x[:5])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_hybrid_objective_trains(digits):
    x, y = digits
    model, history = _trained(digits, epochs=4, discriminative_weight=1.0)
    assert history["accuracy"][-1] > history["accuracy"][0]
    assert np.mean(model.predict(x[1200:]) == y[1200:]) > 0.3


def test_round_trip_and_class_samples(digits, tmp_path):
    x, y = digits
    model, _ = _trained(digits, epochs=1, hidden_units=20, persistent=True, persistent_chains=20)
    restored = assert_round_trip(
        model, tmp_path / "crbm.keras",
        {"predict_proba": lambda m: m.predict_proba(x[:30]),
         "transform": lambda m: m.transform(x[:5]),
         "sample": lambda m: m.sample(3, gibbs_steps=5, labels=[0, 1, 2])},
        train=lambda m: m.fit(x[:20], y[:20], batch_size=10, epochs=1, verbose=0))
    samples = restored.sample(3, gibbs_steps=5, seed=0, labels=[0, 1, 2])
    assert samples.shape == (3, 64)
    assert model.transform(x[:5]).shape == (5, 20)
    features, metadata = model.export_parts()["features"]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(features(x[:30])), model.transform(x[:30]),
                               atol=1e-5)
    assert metadata["output_range"] == [0.0, 1.0]


def test_bad_inputs(digits):
    x, y = digits
    with pytest.raises(ValueError, match="num_classes"):
        ClassificationRBM(10, 1)
    with pytest.raises(ValueError, match="discriminative_weight"):
        ClassificationRBM(10, 3, discriminative_weight=-1.0)
    model = ClassificationRBM(10, 10, seed=0)
    model.compile()
    with pytest.raises(ValueError, match="y"):
        model.fit(x[:20], epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"y.*\[0, 10\)"):
        model.fit(x[:20], y[:20] + 5, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="y.*20 rows"):
        model.fit(x[:20], y[:10], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="x"):
        model.fit(x[:20] * 16, y[:20], epochs=1, verbose=0)
    model.fit(x[:20], y[:20], batch_size=10, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="x"):
        model.predict(x[:3, :10])
    with pytest.raises(ValueError, match="labels"):
        model.sample(2, gibbs_steps=3, labels=[0, 1, 2])
