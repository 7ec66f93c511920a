import argparse
import json

import numpy as np
import pytest

from keras_gen.cli import quality

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="NumPy figures on the feature model")


def _run(tmp_path, image_shape, data="digits"):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"model": "vae", "args": {"data": data}}))
    (run / "data.json").write_text(json.dumps({"image_shape": image_shape}))
    return str(run)


def _args(**values):
    return argparse.Namespace(**{"run": "RUN", "data": None, "seed": 0, "feature_model": None,
                                 "verbose": 0, **values})


def test_a_run_without_images_is_said_plainly(tmp_path):
    run = _run(tmp_path, [64])
    with pytest.raises(ValueError, match=r"makes images for --fid.*model 'vae'.*\(64,\) "
                                         r"\(not images\)"):
        quality.run_image_shape(_args(), run)


def test_figures_on_test_images(tmp_path, backend):
    run = _run(tmp_path, [8, 8])
    shape = quality.run_image_shape(_args(), run)
    real, labels = quality.real_test_images(_args(), run, 50, shape)
    assert shape == (8, 8, 1) and real.shape == (50, 8, 8, 1) and labels.shape == (50,)
    same = quality.fid_metrics(_args(), run, real, real[::-1])
    noise = quality.fid_metrics(_args(), run, real, np.random.default_rng(0).random(real.shape))
    assert same["fid"] == pytest.approx(0.0, abs=1e-4) and noise["fid"] > 1.0
    assert same["fid_features"] == "mnist" and same["fid_samples"] == 50
    assert noise["recall"] < same["recall"]
    with pytest.raises(ValueError, match=r"generated_images` values in value_range=\(0, 1\)"):
        quality.fid_metrics(_args(), run, real, real * 2 - 1)
