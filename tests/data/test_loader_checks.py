import os

import numpy as np
import pytest

from keras_gen.data import loader_checks
from keras_gen.data.loader_checks import check_images
from keras_gen.data.loader_checks import check_labels
from keras_gen.data.loader_checks import check_limit
from keras_gen.data.loader_checks import check_scale
from keras_gen.data.loader_checks import check_seed
from keras_gen.data.loader_checks import check_split
from keras_gen.data.loader_checks import finish
from keras_gen.data.loader_checks import resolve_path
from keras_gen.data.loader_checks import subset_indices
from keras_gen.data.loader_checks import warn_split


def test_resolve_path_prefers_existing_then_data_folder(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "only_here.npz").write_bytes(b"")
    monkeypatch.setenv(loader_checks.DATA_DIR_VARIABLE, str(data))
    monkeypatch.chdir(tmp_path)
    assert resolve_path("only_here.npz") == os.path.join(str(data), "only_here.npz")
    (tmp_path / "local.npz").write_bytes(b"")
    assert resolve_path("local.npz") == "local.npz"
    assert resolve_path("missing.npz") == "missing.npz"
    absolute = str(tmp_path / "absent.npz")
    assert resolve_path(absolute) == absolute
    monkeypatch.delenv(loader_checks.DATA_DIR_VARIABLE)
    assert resolve_path("only_here.npz") == "only_here.npz"


def test_simple_checks_accept_and_reject():
    assert check_split("test") == "test"
    assert check_scale(None) is None and check_scale("signed") == "signed"
    assert check_limit(None) is None and check_limit(np.int32(3)) == 3
    assert check_seed(0) == 0
    with pytest.raises(ValueError, match=r"Expected `split` to be one of .*Received: split='val'"):
        check_split("val")
    with pytest.raises(ValueError, match=r"Received: scale='unity'"):
        check_scale("unity")
    for bad in (0, True, 2.0, "3"):
        with pytest.raises(ValueError, match="Expected `limit` to be an integer >= 1 or None"):
            check_limit(bad)
    for bad in (-1, False, 1.0, None):
        with pytest.raises(ValueError, match="Expected `seed` to be an integer >= 0"):
            check_seed(bad)


def test_check_images_adds_channel_axis_and_rejects_other_ranks():
    assert check_images("x", np.zeros((2, 3, 3), "uint8"), "f.npz").shape == (2, 3, 3, 1)
    assert check_images("x", np.zeros((2, 5)), "f.npz").shape == (2, 5)
    assert check_images("x", np.zeros((2, 3, 3, 3)), "f.npz").shape == (2, 3, 3, 3)
    with pytest.raises(ValueError, match=r"Expected `x` in f.npz to have shape .*Received: x with shape \(4,\)"):
        check_images("x", np.zeros(4), "f.npz")
    with pytest.raises(ValueError, match="Expected `x` to hold finite values"):
        check_images("x", np.full((2, 3, 3), np.nan), "f.npz")


def test_check_labels():
    labels = check_labels("y", np.array([[1.0], [2.0], [0.0]]), 3, "f.npz")
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, [1, 2, 0])
    with pytest.raises(ValueError, match=r"one class label per sample \(3\).*Received: y with shape \(2,\)"):
        check_labels("y", np.array([1, 2]), 3, "f.npz")
    with pytest.raises(ValueError, match="one class label per sample"):
        check_labels("y", np.zeros((3, 4, 4)), 3, "f.npz")
    with pytest.raises(ValueError, match="integer class labels.*fractional values"):
        check_labels("y", np.array([0.5, 1.0, 2.0]), 3, "f.npz")


def test_subset_indices_seeded_sorted_and_unique():
    assert subset_indices(5, None, 0) is None
    assert subset_indices(5, 5, 0) is None
    first = subset_indices(100, 10, seed=3)
    np.testing.assert_array_equal(first, subset_indices(100, 10, seed=3))
    assert len(np.unique(first)) == 10 and np.all(np.diff(first) > 0)
    assert not np.array_equal(first, subset_indices(100, 10, seed=4))


def test_warn_split_states_share():
    with pytest.warns(UserWarning, match=r"split 'train' is a fixed 80 % of its 50 samples \(40\)"):
        warn_split("data.npz", "train", 40, 50, 0.2)
    with pytest.warns(UserWarning, match=r"split 'test' is a fixed 20 %"):
        warn_split("data.npz", "test", 10, 50, 0.2)


def test_finish_limits_scales_and_flattens_images_and_targets():
    x = np.arange(6 * 2 * 2, dtype="uint8").reshape(6, 2, 2, 1) * 10
    y = 255 - x
    fx, fy = finish(x, y, scale="unit", flatten=True, limit=3, seed=0, y_is_image=True)
    indices = subset_indices(6, 3, 0)
    assert fx.shape == (3, 4) and fy.shape == (3, 4)
    np.testing.assert_allclose(fx, x[indices].reshape(3, 4) / 255.0, atol=1e-6)
    np.testing.assert_allclose(fy, y[indices].reshape(3, 4) / 255.0, atol=1e-6)
    labels = np.arange(6)
    gx, gy = finish(x, labels, scale="signed", flatten=False, limit=None, seed=0)
    assert gx.shape == x.shape and gx.min() == -1.0
    np.testing.assert_array_equal(gy, labels)
