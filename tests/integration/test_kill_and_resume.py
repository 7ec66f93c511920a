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
