"""`keras_gen.trainers.tf_distribute` at work: MirroredStrategy (2 logical CPUs) and MultiWorkerMirrored
(two local workers) train every model like one device.

Deterministic case: every replica draws the noise replica 0 draws
(`--identical-noise`) and gets the same data, so 2 replicas must equal one
device exactly if the loss is scaled right (plain SGD: a factor-2 error shows).
"""

import os

import keras
import numpy as np
import pytest

from tests.distribute.runner import assert_equal_runs
from tests.distribute.runner import max_differences
from tests.distribute.runner import run_two_workers
from tests.distribute.runner import run_worker

pytestmark = [pytest.mark.slow, pytest.mark.backends("tensorflow", reason="tf.distribute strategies")]

MODELS = ["toy", "denoising", "gan", "vae", "rbm", "cyclegan"]
TWO_WORKER_MODELS = ["toy", "denoising", "gan", "cyclegan"]
NOISY = ["denoising", "gan", "vae", "rbm", "cyclegan"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.distribute runs on the TensorFlow backend")
    root = tmp_path_factory.mktemp("tf_distribute")
    return {
        "single": run_worker("tensorflow", "single", MODELS, root / "single"),
        "mirrored": run_worker("tensorflow", "mirrored", MODELS, root / "mirrored",
                               "--identical-noise"),
        "mirrored_noise": run_worker("tensorflow", "mirrored", NOISY, root / "mirrored_noise"),
        "root": root,
    }


@pytest.mark.parametrize("model", MODELS)
def test_mirrored_equals_one_device(runs, model):
    assert_equal_runs(runs["single"] / f"{model}.npz", runs["mirrored"] / f"{model}.npz")


@pytest.mark.parametrize("model", NOISY)
def test_replicas_draw_different_noise(runs, model):
    # Same data on both replicas: only different noise can change the result.
    differences = max_differences(runs["mirrored"] / f"{model}.npz",
                                  runs["mirrored_noise"] / f"{model}.npz")
    assert max(v for k, v in differences.items() if k.startswith("weight/")) > 1e-6


@pytest.fixture(scope="module")
def two_workers(runs):
    backup = runs["root"] / "backup"
    out = run_two_workers(TWO_WORKER_MODELS, runs["root"] / "workers",
                          "--identical-noise", "--backup", str(backup))
    return out, backup


@pytest.mark.parametrize("model", TWO_WORKER_MODELS)
def test_two_workers_equal_one_device_and_chief_writes(runs, two_workers, model):
    out, backup = two_workers
    assert_equal_runs(runs["single"] / f"{model}.npz", out / f"{model}.npz")
    (other,) = [name for name in os.listdir(out) if name.startswith(f"{model}.worker")]
    assert_equal_runs(out / f"{model}.npz", out / other, atol=0.0)
    # Only the chief (worker 0) writes the backup: one weights file, one metadata.
    names = sorted(os.listdir(backup / model))
    assert names == ["backup-0.weights.h5", "training_metadata.json"]
    logs = np.load(out / f"{model}.npz")
    assert np.isfinite(logs["log/loss" if model == "denoising" else "log/g_loss"])
