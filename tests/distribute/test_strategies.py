"""`keras_gen.distribute.strategies`: a 2-device MirroredStrategy on logical CPUs (in a
fresh process), and the refusals that come before TensorFlow is touched."""

import subprocess
import sys

import keras
import pytest

from tests.distribute.runner import ROOT
from tests.distribute.runner import environment

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="tf.distribute checks, and their refusal on JAX")


@pytest.mark.slow
def test_replica_noise_and_uneven_batch_under_mirrored():
    """ReplicaSeedGenerator draws different noise per replica (a plain one
    repeats it); fit refuses a batch that does not split over 2 replicas."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.distribute runs on the TensorFlow backend")
    result = subprocess.run([sys.executable, "tests/distribute/strategy_checks.py"],
                            env=environment("tensorflow"), cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "strategy checks passed" in result.stdout


def test_preconditions_are_checked_before_tensorflow_is_touched(backend):
    from keras_gen.distribute import logical_cpu_devices
    from keras_gen.distribute import multi_worker_strategy

    if backend != "tensorflow":
        for build in (lambda: logical_cpu_devices(2), lambda: multi_worker_strategy({})):
            with pytest.raises(ValueError, match=f"keras.distribution.*Received: backend='{backend}'"):
                build()
        return
    # Splitting the CPU is left alone here: it would reconfigure this process's devices.
    with pytest.raises(ValueError, match="TF_CONFIG.*to be set"):
        multi_worker_strategy({})
