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
