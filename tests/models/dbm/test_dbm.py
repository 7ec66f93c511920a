import keras
import numpy as np
import pytest

from keras_gen.models import DBM
from tests.helpers import assert_round_trip

# torch runs one step per execution only.
STEPS = 1 if keras.backend.backend() == "torch" else 8


def _pretrained(x, epochs=2, **kwargs):
    kwargs.setdefault("seed", 0)
    kwargs.setdefault("persistent_chains", 20)
    dbm = DBM((32, 16), **kwargs)
    histories = dbm.pretrain(x, epochs=epochs, batch_size=20, verbose=0, steps_per_execution=STEPS)
    return dbm, histories


def test_pretraining_uses_the_doubling_trick_and_learns(digits):
    x = digits[0][:400]
    dbm, histories = _pretrained(x)
    for history in histories:
        errors = history.history["reconstruction_error"]
        assert errors[-1] < errors[0]
    kernel_1 = keras.ops.convert_to_numpy(dbm.kernel_1)
    bias_1 = keras.ops.convert_to_numpy(dbm.hidden_bias_1)
    mu1, _ = dbm.mean_field(x[:5], steps=0)
    recognition = 1 / (1 + np.exp(-(2 * x[:5] @ kernel_1 + bias_1)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mu1), recognition, atol=1e-5)


def test_joint_training_lowers_reconstruction_error_and_moves_chains(digits):
    x = digits[0][:400]
    dbm, _ = _pretrained(x, epochs=1)
    dbm.compile(optimizer=keras.optimizers.SGD(0.02, momentum=0.5), steps_per_execution=STEPS)
    history = dbm.fit(x, batch_size=20, epochs=3, verbose=0, shuffle=False).history
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]
    assert np.isfinite(history["loss"]).all()
    chains = keras.ops.convert_to_numpy(dbm.chains_visible)
    assert chains.shape == (20, 64) and np.isin(chains, (0.0, 1.0)).all()
    assert float(keras.ops.convert_to_numpy(dbm.chains_started)) == 1.0


def test_mean_field_is_a_fixed_point(digits):
    x = digits[0][:50]
    dbm, _ = _pretrained(x, epochs=1)
    mu1, mu2 = dbm.mean_field(x, steps=50)
    kernel_1, kernel_2 = (keras.ops.convert_to_numpy(k) for k in (dbm.kernel_1, dbm.kernel_2))
    bias_1 = keras.ops.convert_to_numpy(dbm.hidden_bias_1)
    mu1, mu2 = keras.ops.convert_to_numpy(mu1), keras.ops.convert_to_numpy(mu2)
    update = 1 / (1 + np.exp(-(x @ kernel_1 + mu2 @ kernel_2.T + bias_1)))
    np.testing.assert_allclose(update, mu1, atol=1e-4)


def test_sampling_features_export_and_fine_tuning(digits):
    x, y = digits
    dbm, _ = _pretrained(x[:1000])
    samples = dbm.sample(4, gibbs_steps=20, seed=1)
    assert samples.shape == (4, 64) and 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_array_equal(samples, dbm.sample(4, gibbs_steps=20, seed=1))
    features = dbm.transform(x[:100])
    assert features.shape == (100, 16) and dbm.transform(x[:100], layer=1).shape == (100, 32)
    exported = dbm.export_parts()["features"][0]
    np.testing.assert_allclose(exported.predict(x[:100], verbose=0), features, atol=1e-5)
    classifier = dbm.to_classifier(10)
    classifier.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(dbm.classifier_inputs(x[:1000]), y[:1000], batch_size=50, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    assert classifier.evaluate(dbm.classifier_inputs(x[1000:]), y[1000:], verbose=0)[1] > 0.5


def test_save_load_round_trip(digits, tmp_path):
    x = digits[0][:200]
    dbm, _ = _pretrained(x, epochs=1)
    dbm.compile(optimizer=keras.optimizers.SGD(0.01), steps_per_execution=STEPS)
    dbm.fit(x, batch_size=20, epochs=1, verbose=0)
    assert_round_trip(
        dbm, tmp_path / "dbm.keras",
        {"transform": lambda m: m.transform(x), "sample": lambda m: m.sample(3, gibbs_steps=10),
         "chains": lambda m: keras.ops.convert_to_numpy(m.chains_visible)},
        train=lambda m: m.fit(x, batch_size=20, epochs=1, verbose=0))


def test_bad_input(digits):
    x = digits[0][:40]
    with pytest.raises(ValueError, match="hidden_units"):
        DBM((10,))
    with pytest.raises(ValueError, match="hidden_units"):
        DBM((10, 0))
    with pytest.raises(ValueError, match="mean_field_steps"):
        DBM((10, 5), mean_field_steps=0)
    dbm = DBM((8, 4), persistent_chains=10, seed=0)
    with pytest.raises(ValueError, match="to_classifier"):
        dbm.to_classifier(10)
    with pytest.raises(ValueError, match="x"):
        dbm.pretrain(x * 2, verbose=0)
    dbm.pretrain(x, epochs=1, batch_size=20, verbose=0)
    with pytest.raises(ValueError, match="num_classes"):
        dbm.to_classifier(1)
    with pytest.raises(ValueError, match="x"):
        dbm.transform(x[:, :10])
    with pytest.raises(ValueError, match="layer"):
        dbm.transform(x, layer=3)
