"""`kill -9` a training process mid-epoch; the rerun resumes from the last
backup, loses at most that epoch, and ends with the same weights and optimizer
state (both Adam members of the OptimizerGroup) as an uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.integration import kill_and_resume_worker as worker

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="subprocess training; two backends suffice")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "tests", "integration", "kill_and_resume_worker.py")


def _read(path):
    try:
        with open(path) as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


@pytest.mark.slow
def test_kill_9_mid_epoch_then_resume(tmp_path, backend):
    backup, progress, out = (str(tmp_path / n) for n in ("backup", "progress.json", "out.npz"))
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, SCRIPT, backup, progress, out]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    try:
        while True:  # kill in the middle of the third epoch (two backed up)
            position = _read(progress)
            if position and position["epoch"] == 2 and position["batch"] >= 4:
                break
            assert process.poll() is None, "training ended before it could be killed"
            assert time.time() < deadline, "training made no progress"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not os.path.exists(out)

    subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=300,
                   stderr=subprocess.DEVNULL)
    resumed = np.load(out)
    # Killed during epoch index 2: epochs 0 and 1 were backed up, so the rerun
    # starts at epoch 2 — only the interrupted epoch is lost.
    assert int(resumed["first_epoch"]) == 2
    reference = worker.state(worker.train())
    for key, value in reference.items():
        np.testing.assert_allclose(resumed[key], value, atol=1e-6, err_msg=key)


def _cli(backend):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    return [sys.executable, "-m", "keras_gen"], env


def _backup_epoch(output):
    parent, name = os.path.split(output)
    for folder in os.listdir(parent):
        if folder.startswith(f".{name}.partial-"):
            metadata = _read(os.path.join(parent, folder, "backup", "training_metadata.json"))
            if metadata:
                return metadata["epoch"]
    return None


def _all_state(path):
    import keras

    from keras_gen.models import load_model

    model = load_model(path)
    return [keras.ops.convert_to_numpy(v) for v in model.weights + model.optimizer.variables]


@pytest.mark.slow
def test_kill_9_of_the_cli_then_resume(tmp_path, backend):
    """`keras-gen train gan` killed with SIGKILL in its third epoch, then rerun
    with --resume: model.keras (weights and both Adam states) equals an
    uninterrupted run's."""
    command, env = _cli(backend)
    train = ["train", "gan", "--data", "digits", "--epochs", "4", "--batch-size", "8",
             "--latent-dim", "4", "--verbose", "0", "--seed", "3"]
    reference = str(tmp_path / "reference")
    subprocess.run(command + train + ["--output", reference], env=env, cwd=ROOT, check=True,
                   timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = str(tmp_path / "run")
    process = subprocess.Popen(command + train + ["--output", run], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    try:
        while (_backup_epoch(run) or 0) < 2:  # two epochs backed up: kill in the third
            assert process.poll() is None, "training ended before it could be killed"
            assert time.time() < deadline, "training made no progress"
            time.sleep(0.02)
        time.sleep(np.random.default_rng().uniform(0, 0.3))
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not os.path.exists(run)  # nothing half-written in place
    completed = subprocess.run(command + train + ["--output", run, "--resume"], env=env, cwd=ROOT,
                               timeout=600, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "resuming" in completed.stdout
    assert sorted(os.listdir(tmp_path)) == ["reference", "run"]
    for a, b in zip(_all_state(os.path.join(reference, "model.keras")),
                    _all_state(os.path.join(run, "model.keras"))):
        np.testing.assert_array_equal(a, b)
