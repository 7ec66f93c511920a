"""Runs tests/distribute/worker.py in fresh processes (device setup must come
before Keras starts) and compares the saved results."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKER = os.path.join(ROOT, "tests", "distribute", "worker.py")
TIMEOUT = 400


def environment(backend, **extra):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3",
               CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    env.update(extra)
    return env


def run_worker(backend, setting, models, out, *flags, **env):
    command = [sys.executable, WORKER, setting, ",".join(models), str(out), *flags]
    result = subprocess.run(command, env=environment(backend, **env), cwd=ROOT,
                            capture_output=True, text=True, timeout=TIMEOUT)
    if result.returncode:
        pytest.fail(f"{setting} worker failed:\n{result.stderr[-3000:]}")
    return out


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run_two_workers(models, out, *flags):
    """Two local MultiWorkerMirroredStrategy workers; fails on a hang."""
    addresses = [f"localhost:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
        command = [sys.executable, WORKER, "multi_worker", ",".join(models), str(out), *flags]
        env = environment("tensorflow", TF_CONFIG=json.dumps(config))
        processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True))
    try:
        errors = [p.communicate(timeout=TIMEOUT)[1] for p in processes]
    except subprocess.TimeoutExpired:
        for p in processes:
            p.kill()
            p.wait()
        pytest.fail(f"two-worker training did not finish in {TIMEOUT} s (hang)")
    for p, error in zip(processes, errors):
        if p.returncode:
            pytest.fail(f"worker exited with {p.returncode}:\n{error[-3000:]}")
    return out


def max_differences(path_a, path_b):
    a, b = np.load(path_a), np.load(path_b)
    assert sorted(a.files) == sorted(b.files)
    return {key: float(np.max(np.abs(a[key].astype("float64") - b[key].astype("float64")),
                              initial=0.0))
            for key in a.files if not key.startswith("info/")}


def assert_equal_runs(path_a, path_b, atol=1e-5):
    differences = max_differences(path_a, path_b)
    worst = max(differences, key=differences.get)
    assert differences[worst] <= atol, f"{worst} differs by {differences[worst]:.3g}"
