import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from keras_gen.models import RBM
from tests.helpers import assert_round_trip
from tests.models.dbn.common import STEPS
from tests.models.dbn.common import trained


def test_greedy_training_improves_every_layer(digits):
    dbn, history = trained(digits[0][:400])
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
            seen.append(np.asarray(data))  # noqa: B023 - spy is installed and removed within this iteration
            return original(self, data, *args, **kwargs)  # noqa: B023 - idem

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
    dbn, _ = trained(x, epochs=1)
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
    dbn, _ = trained(x, epochs=2)
    features = dbn.transform(x)
    assert features.shape == (300, 12) and 0 <= features.min() and features.max() <= 1
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dbn(x)), features, atol=1e-5)
    codes = dbn.binary_codes(x, bits=12)
    assert codes.dtype == np.uint8
    np.testing.assert_array_equal(codes, (features > 0.5).astype("uint8"))
    samples = dbn.sample(5, seed=3, gibbs_steps=20)
    assert samples.shape == (5, 64) and samples.dtype == np.float32
    assert 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_array_equal(samples, dbn.sample(5, seed=3, gibbs_steps=20))
    assert not np.array_equal(samples, dbn.sample(5, seed=4, gibbs_steps=20))
    assert dbn.sample(5, seed=3, gibbs_steps=20, batch_size=2).shape == (5, 64)
    # Without a seed the DBN's own generators advance: two draws differ.
    assert not np.array_equal(dbn.sample(3, gibbs_steps=5), dbn.sample(3, gibbs_steps=5))


def test_gaussian_first_layer(digits):
    x = digits[0][:300]
    x = (x - x.mean(0)) / (x.std(0) + 1e-3)
    dbn = DBN([16, 8], visible_type="gaussian", seed=0)
    dbn.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5))
    history = dbn.fit(x, batch_size=20, epochs=3, verbose=0).history
    assert history["layer_0_reconstruction_error"][-1] < history["layer_0_reconstruction_error"][0]
    assert dbn.rbms[0].visible_type == "gaussian" and dbn.rbms[1].visible_type == "bernoulli"
    assert np.isfinite(dbn.sample(3, seed=0, gibbs_steps=5)).all()


def test_save_load_round_trip(digits, tmp_path):
    x = digits[0][:200]
    dbn, _ = trained(x, epochs=1)
    restored = assert_round_trip(
        dbn, tmp_path / "dbn.keras",
        {"transform": lambda m: m.transform(x), "sample": lambda m: m.sample(4, seed=2, gibbs_steps=10),
         "own generator": lambda m: m.sample(2, gibbs_steps=5)},
        train=lambda m: m.fit(x, batch_size=20, epochs=1, verbose=0))
    assert restored.hidden_units == [24, 12]


def test_round_trip_keeps_persistent_chains_and_seed_state(digits, tmp_path):
    x, y = digits
    x = (x[:200] > 0.5).astype("float32")
    dbn = DBN([16, 12], num_classes=10, persistent=True, persistent_chains=20, seed=0)
    dbn.compile(optimizer=keras.optimizers.SGD(0.05), steps_per_execution=STEPS)
    dbn.fit(x, y[:200], batch_size=20, epochs=1, verbose=0)
    path = str(tmp_path / "dbn.keras")
    dbn.save(path)
    restored = keras.models.load_model(path)
    for old, new in zip(dbn.rbms, restored.rbms):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(new.chains), keras.ops.convert_to_numpy(old.chains))
    # Unseeded draws use the saved generator states: the same on both.
    np.testing.assert_array_equal(restored.sample(3, gibbs_steps=5, label=4), dbn.sample(3, gibbs_steps=5, label=4))


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
    with pytest.raises(ValueError, match="count"):
        dbn.sample(0)
    with pytest.raises(ValueError, match="label"):
        dbn.sample(2, gibbs_steps=2, label=1)
    with pytest.raises(ValueError, match="seed"):
        dbn.sample(2, seed=-1)
    labelled = DBN([8, 4], num_classes=3, seed=0)
    with pytest.raises(ValueError, match="y"):
        labelled.fit(x, epochs=1, verbose=0)
    labelled.fit(x, np.arange(50) % 3, batch_size=25, epochs=1, verbose=0)
    for label in (3, -1, [0, 1, 2], 1.5, "a"):
        with pytest.raises(ValueError, match="label"):
            labelled.sample(2, gibbs_steps=2, label=label)
    with pytest.raises(ValueError, match="num_classes"):
        DBN([8, RBM(4)], num_classes=3)
