import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402

SHARED_DATA = os.path.abspath(
    os.environ.get("KERAS_GEN_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
)


def pytest_collection_modifyitems(config, items):
    """Runs each test only on the backends its `backends` marker names (default: all).

    Tests run on every backend unless marked, e.g. a module with
    `pytestmark = pytest.mark.backends("tensorflow", reason="TFLite export")`:
    a new test folder is covered on TensorFlow, JAX and torch by default.
    """
    backend = keras.backend.backend()
    selected, deselected = [], []
    for item in items:
        marker = item.get_closest_marker("backends")
        (deselected if marker and backend not in marker.args else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)
    yield
    # free_memory=False skips a gc.collect() that cost 1-3 s per test here.
    keras.backend.clear_session(free_memory=False)


@pytest.fixture
def backend():
    return keras.backend.backend()


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8x8 digits scaled to [0, 1]: (x float32 (1797, 64), y int)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype("float32"), data.target.astype("int64")


@pytest.fixture(scope="session")
def shared_data():
    """Folder with the real datasets (MNIST, ...); skips when absent."""
    if not os.path.isdir(SHARED_DATA):
        pytest.skip(f"shared data folder not found: {SHARED_DATA}")
    return SHARED_DATA
