import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from keras_gen.models import RBM
from tests.helpers import assert_round_trip

# torch runs one step per execution only.
STEPS = 1 if keras.backend.backend() == "torch" else 8


def _trained(x, layers=(24, 12), epochs=3, **kwargs):
    kwargs.setdefault("seed", 0)
    dbn = DBN(list(layers), **kwargs)
    dbn.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5), steps_per_execution=STEPS)
    history = dbn.fit(x, batch_size=20, epochs=epochs, verbose=0, shuffle=False)
    return dbn, history.history


def test_greedy_training_improves_every_layer(digits):
    dbn, history = _trained(digits[0][:400])
    for index in range(2):
        errors = history[f"layer_{index}_reconstruction_error"]
        assert errors[-1] < errors[0], (index, errors)
    assert dbn.hidden_units == [24, 12] and dbn.rbms[1].visible_units == 24


def test_upper_layers_train_on_probabilities_or_samples(digits, monkeypatch):
    x = digits[0][:100]
    for propagate in ("probabilities", "samples"):
        dbn = DBN([16, 8], propagate=propagate, seed=0)
        seen = []
        original = RBM.fit

        def spy(self, data, *args, **kwargs):
            seen.append(np.asarray(data))
            return original(self, data, *args, **kwargs)

        monkeypatch.setattr(RBM, "fit", spy)
        dbn.fit(x, batch_size=20, epochs=1, verbose=0)
        monkeypatch.setattr(RBM, "fit", original)
        upper = seen[1]
        assert upper.shape == (100, 16)
        binary = np.isin(upper, (0.0, 1.0)).all()
        assert binary == (propagate == "samples")
        if propagate == "probabilities":
            np.testing.assert_allclose(upper, dbn.rbms[0].transform(x), atol=1e-6)


def test_layers_argument_trains_only_the_chosen_layers(digits):
    x = digits[0][:200]
    dbn, _ = _trained(x, epochs=1)
    bottom = keras.ops.convert_to_numpy(dbn.rbms[0].kernel).copy()
    top = keras.ops.convert_to_numpy(dbn.rbms[1].kernel).copy()
    stacked = DBN([dbn.rbms[0], 6], seed=1)
    stacked.fit(x, batch_size=20, epochs=1, verbose=0, layers=[1])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(stacked.rbms[0].kernel), bottom)
    dbn.fit(x, batch_size=20, epochs=1, verbose=0, layers=[1])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(dbn.rbms[0].kernel), bottom)
    assert not np.array_equal(keras.ops.convert_to_numpy(dbn.rbms[1].kernel), top)


def test_features_codes_and_generation(digits):
    x = digits[0][:300]
    dbn, _ = _trained(x, epochs=2)
    features = dbn.transform(x)
    assert features.shape == (300, 12) and 0 <= features.min() and features.max() <= 1
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dbn(x)), features, atol=1e-5)
    codes = dbn.binary_codes(x, bits=12)
    assert codes.dtype == np.uint8
    np.testing.assert_array_equal(codes, (features > 0.5).astype("uint8"))
    samples = dbn.generate(5, gibbs_steps=20, seed=3)
    assert samples.shape == (5, 64) and 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_array_equal(samples, dbn.generate(5, gibbs_steps=20, seed=3))
    assert not np.array_equal(samples, dbn.generate(5, gibbs_steps=20, seed=4))


def test_classifier_starts_from_the_dbn_and_fine_tunes(digits):
    x, y = digits
    dbn, _ = _trained(x[:1000], epochs=2)
    classifier = dbn.to_classifier(10)
    hidden = keras.Model(classifier.input, classifier.get_layer("hidden_1").output)
    np.testing.assert_allclose(hidden.predict(x[:50], verbose=0), dbn.transform(x[:50]), atol=1e-5)
    classifier.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(x[:1000], y[:1000], batch_size=50, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    accuracy = classifier.evaluate(x[1000:], y[1000:], verbose=0)[1]
    assert accuracy > 0.5
    rates = {layer.name: layer.rate for layer in dbn.to_classifier(10, dropout=0.5, input_dropout=0.2).layers
             if isinstance(layer, keras.layers.Dropout)}
    assert rates == {"dropout_0": 0.2, "dropout_1": 0.5, "dropout_2": 0.5}


def test_gaussian_first_layer(digits):
    x = digits[0][:300]
    x = (x - x.mean(0)) / (x.std(0) + 1e-3)
    dbn = DBN([16, 8], visible_type="gaussian", seed=0)
    dbn.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5))
    history = dbn.fit(x, batch_size=20, epochs=3, verbose=0).history
    assert history["layer_0_reconstruction_error"][-1] < history["layer_0_reconstruction_error"][0]
    assert dbn.rbms[0].visible_type == "gaussian" and dbn.rbms[1].visible_type == "bernoulli"
    assert np.isfinite(dbn.generate(3, gibbs_steps=5, seed=0)).all()


def test_save_load_round_trip(digits, tmp_path):
    x = digits[0][:200]
    dbn, _ = _trained(x, epochs=1)
    restored = assert_round_trip(
        dbn, tmp_path / "dbn.keras",
        {"transform": lambda m: m.transform(x), "generate": lambda m: m.generate(4, 10, seed=2)},
        train=lambda m: m.fit(x, batch_size=20, epochs=1, verbose=0))
    assert restored.hidden_units == [24, 12]


def test_export_parts_match_the_model(digits):
    x = digits[0][:100]
    dbn, _ = _trained(x, epochs=1)
    parts = dbn.export_parts()
    assert set(parts) == {"features", "binary_codes"}
    features, metadata = parts["features"]
    np.testing.assert_allclose(features.predict(x, verbose=0), dbn.transform(x), atol=1e-5)
    codes = parts["binary_codes"][0].predict(x, verbose=0)
    np.testing.assert_array_equal(codes, dbn.binary_codes(x))
    assert metadata["inputs"]["visible"]["range"] == [0.0, 1.0]


def test_bad_input(digits):
    x = digits[0][:50]
    with pytest.raises(ValueError, match="layers"):
        DBN([])
    with pytest.raises(ValueError, match="layers"):
        DBN([16, 0])
    with pytest.raises(ValueError, match="visible_type"):
        DBN([8], visible_type="poisson")
    built = RBM(8)
    built.build((None, 64))
    other = RBM(4)
    other.build((None, 10))
    with pytest.raises(ValueError, match="chain"):
        DBN([built, other])
    with pytest.raises(ValueError, match="Bernoulli"):
        DBN([8, RBM(4, visible_type="gaussian")])
    dbn = DBN([8, 4], seed=0)
    with pytest.raises(ValueError, match="to_classifier"):
        dbn.to_classifier(10)
    with pytest.raises(ValueError, match="epochs"):
        dbn.fit(x, epochs=[1], verbose=0)
    with pytest.raises(ValueError, match="x"):
        dbn.fit(x * 3, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="layers"):
        dbn.fit(x, epochs=1, verbose=0, layers=[2])
    dbn.fit(x, batch_size=25, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="num_classes"):
        dbn.to_classifier(1)
    with pytest.raises(ValueError, match="input_dropout"):
        dbn.to_classifier(10, input_dropout=1.0)
    with pytest.raises(ValueError, match="bits"):
        dbn.binary_codes(x, bits=32)
    with pytest.raises(ValueError, match="x"):
        dbn.transform(x[:, :10])
    with pytest.raises(ValueError, match="x"):
        DBN([built, 4]).fit(x[:, :10], epochs=1, verbose=0)
