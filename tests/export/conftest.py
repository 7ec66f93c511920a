import keras
import pytest


@pytest.fixture
def tensorflow_only():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("in-process conversion test; other backends export through the "
                    "TensorFlow worker (test__tensorflow_worker.py)")
