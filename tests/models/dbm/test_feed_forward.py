import keras
import numpy as np
import pytest

from tests.helpers import assert_dropout_layers_differ
from tests.models.dbm.common import pretrained


def test_features_export_and_fine_tuning(digits):
    x, y = digits
    dbm, _ = pretrained(x[:1000])
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


def test_each_dropout_layer_draws_its_own_masks():
    from keras_gen.models import DBM

    dbm = DBM((6, 4), seed=3)
    dbm.build((None, 8))
    classifier = dbm.to_classifier(3, dropout=0.5, input_dropout=0.5)
    assert_dropout_layers_differ(classifier, 3)


def test_label_units_start_the_classifier_and_join_the_exported_features(digits):
    from keras_gen.models import DBM

    x, y = digits
    dbm = DBM((12, 8), seed=0, num_classes=10)
    dbm.build((None, 64))
    rng = np.random.default_rng(0)
    for variable in (dbm.kernel_1, dbm.kernel_2, dbm.label_kernel):
        variable.assign(rng.normal(0.0, 1.0, variable.shape).astype("float32"))
    features = dbm.transform(x[:50])
    exported = dbm.export_parts()["features"][0]
    np.testing.assert_allclose(exported.predict(x[:50], verbose=0), features, atol=1e-5)
    # The softmax layer is the label units' p(l | h2); a classifier for other classes starts fresh.
    classes = dbm.to_classifier(10).get_layer("classes").get_weights()
    np.testing.assert_array_equal(classes[0], keras.ops.convert_to_numpy(dbm.label_kernel).T)
    np.testing.assert_array_equal(classes[1], keras.ops.convert_to_numpy(dbm.label_bias))
    fresh = dbm.to_classifier(3).get_layer("classes").get_weights()[0]
    assert fresh.shape == (8, 3) and not np.allclose(fresh, keras.ops.convert_to_numpy(dbm.label_kernel).T[:, :3])


def test_mean_field_input_keeps_its_own_dropout_rate():
    from keras_gen.models import DBM

    dbm = DBM((6, 4), seed=3)
    dbm.build((None, 8))
    rates = {layer.name: layer.rate for layer in dbm.to_classifier(3, dropout=0.5, input_dropout=0.2,
                                                                   mean_field_dropout=0).layers
             if isinstance(layer, keras.layers.Dropout)}
    assert rates == {"dropout_0": 0.2, "dropout_1": 0.5, "dropout_2": 0.5}
    classifier = dbm.to_classifier(3, input_dropout=0.2, mean_field_dropout=0.1)
    assert {layer.name for layer in classifier.layers if isinstance(layer, keras.layers.Dropout)} == {
        "dropout_0", "dropout_mean_field"}
    # With pixels dropped and q(h2) kept, a training call changes x's columns only.
    x = np.ones((64, 8), "float32")
    marginals = keras.ops.convert_to_numpy(dbm.transform(x))
    kept = dbm.to_classifier(3, input_dropout=0.5, mean_field_dropout=0)
    first = keras.Model(kept.inputs, kept.get_layer("visible_and_mean_field").output)
    out = keras.ops.convert_to_numpy(first([x, marginals], training=True))
    assert (out[:, :8] == 0).any() and np.array_equal(out[:, 8:], marginals)
    with pytest.raises(ValueError, match="mean_field_dropout"):
        dbm.to_classifier(3, mean_field_dropout=1.0)
