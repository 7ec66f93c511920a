import keras
import numpy as np

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
