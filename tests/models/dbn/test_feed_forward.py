import keras
import numpy as np

from tests.helpers import assert_dropout_layers_differ
from tests.models.dbn.common import trained


def test_classifier_starts_from_the_dbn_and_fine_tunes(digits):
    x, y = digits
    dbn, _ = trained(x[:1000], epochs=2)
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


def test_export_parts_match_the_model(digits):
    x = digits[0][:100]
    dbn, _ = trained(x, epochs=1)
    parts = dbn.export_parts()
    assert set(parts) == {"features", "binary_codes"}
    features, metadata = parts["features"]
    np.testing.assert_allclose(features.predict(x, verbose=0), dbn.transform(x), atol=1e-5)
    codes = parts["binary_codes"][0].predict(x, verbose=0)
    np.testing.assert_array_equal(codes, dbn.binary_codes(x))
    assert metadata["inputs"]["visible"]["range"] == [0.0, 1.0]


def test_each_dropout_layer_draws_its_own_masks():
    from keras_gen.models import DBN

    dbn = DBN([6, 6], seed=3)
    dbn.build((None, 6))
    classifier = dbn.to_classifier(3, dropout=0.5, input_dropout=0.5)
    assert_dropout_layers_differ(classifier, 3)
