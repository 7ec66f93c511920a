import json
import os

import keras
import numpy as np
import pytest

from keras_gen.metrics.feature_extractor import classifier_report
from keras_gen.metrics.feature_extractor import extract_features
from keras_gen.metrics.feature_extractor import feature_classifier
from keras_gen.metrics.feature_extractor import weights_path


@pytest.mark.parametrize("domain,minimum", [("mnist", 0.98), ("fashion_mnist", 0.85)])
def test_shipped_weights_are_small_and_accurate(domain, minimum, shared_data, backend):
    assert os.path.getsize(weights_path(domain)) < 400_000
    assert classifier_report()["domains"][domain]["test_accuracy"] >= minimum
    # Recompute a share of the recorded accuracy from the stored weights.
    classifier = feature_classifier()
    with np.load(weights_path(domain)) as stored:
        classifier.set_weights([stored[f"w{i}"].astype("float32")
                                for i in range(len(classifier.weights))])
    with np.load(os.path.join(shared_data, f"{domain}.npz")) as data:
        x, y = data["x_test"][:500, ..., None] / 255.0, data["y_test"][:500]
    predictions = keras.ops.convert_to_numpy(classifier(x.astype("float32"))).argmax(1)
    assert (predictions == y).mean() >= minimum - 0.03


def test_features_shape_and_flat_input(backend):
    images = np.random.default_rng(0).uniform(size=(7, 784)).astype("float32")
    features = extract_features("mnist", images, batch_size=3)
    assert features.shape == (7, 64)
    np.testing.assert_allclose(features, extract_features("mnist", images.reshape(7, 28, 28)),
                               atol=1e-5)


def test_report_is_json():
    path = os.path.join(os.path.dirname(weights_path("mnist")), "feature_classifier.json")
    with open(path) as handle:
        assert set(json.load(handle)["domains"]) == {"mnist", "fashion_mnist"}
