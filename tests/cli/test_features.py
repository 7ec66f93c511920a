"""What DBN and DBM runs share: the standardization a run keeps, feature quality, the AIS bound's guard."""

import numpy as np
import pytest

from keras_gen.cli import features

pytestmark = pytest.mark.backends("tensorflow", reason="NumPy and scikit-learn; no model runs")


def test_standardization_is_kept_in_the_run_and_undone(tmp_path):
    x = np.random.default_rng(0).uniform(0.2, 0.8, (50, 6)).astype("float32")
    assert features.standardize(str(tmp_path), x) is x  # no statistics saved: unchanged
    standardized = features.standardize(str(tmp_path), x, fit=True)
    assert (tmp_path / "standardization.npz").is_file()
    np.testing.assert_allclose(standardized.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(features.standardize(str(tmp_path), x), standardized)  # read back
    np.testing.assert_allclose(features.unstandardize(str(tmp_path), standardized), x, atol=1e-5)
    assert features.unstandardize(str(tmp_path), standardized * 100).max() == 1.0  # clipped pixels


def test_feature_metrics_score_features_against_pca():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 20)
    x = rng.normal(size=(60, 10)).astype("float32")  # pixels that say nothing of the class
    codes = np.eye(3, dtype="float32")[labels]  # features that say it exactly
    metrics = features.feature_metrics(codes, codes, x, x, labels, labels)
    assert metrics["feature_dimension"] == 3
    assert metrics["nmi"] == pytest.approx(1.0) and metrics["nmi_pca"] < 0.5
    assert metrics["retrieval_map"] == pytest.approx(1.0) and metrics["retrieval_map_sign_pca"] < 0.7
    assert "retrieval_map" not in features.feature_metrics(codes, codes, x, x, labels, labels, codes=False)


def test_no_likelihood_bound_without_ais_or_on_grey_data():
    binary = np.ones((4, 6), "float32")
    options = {"ais": True, "ais_runs": 2, "ais_betas": 3, "bound_samples": 1}
    # Returned before the model is touched: no AIS asked for, or data that is not binary.
    assert features.likelihood_bound(None, binary, binary, {**options, "ais": False}, seed=0) == {}
    assert features.likelihood_bound(None, binary, binary * 0.5, options, seed=0) == {}
