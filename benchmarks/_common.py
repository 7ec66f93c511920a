"""What every benchmark script shares: the import path, the data and results
folders, the machine record, and writing the result JSON atomically.

Import it first in a script (`import _common` from `benchmarks/`, or
`from benchmarks import _common` from the repository root): it puts the
repository on `sys.path` so `keras_gen` imports from this checkout.
"""

import json
import os
import platform
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

RESULTS = os.path.join(ROOT, "benchmarks", "results")
DATA = os.environ.get("KERAS_GEN_DATA", os.path.join(ROOT, "..", "shared", "data"))

__all__ = ["DATA", "RESULTS", "ROOT", "gpu_name", "machine", "mnist", "write_json", "write_result"]


def _version(module):
    try:
        return __import__(module).__version__
    except ImportError:
        return None


def machine():
    """The record of where a benchmark ran: platform, CPUs, load, versions.

    Backends are reported only when already imported, so the record never
    slows a script down or changes what it measures.
    """
    import keras
    import numpy as np

    record = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "numpy": np.__version__,
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    for module in ("tensorflow", "jax", "torch"):
        if module in sys.modules:
            record[module] = _version(module)
    return record


def gpu_name():
    """The GPU's name and memory as `nvidia-smi` reports them, or "none (CPU)"."""
    import subprocess

    try:
        output = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
                                capture_output=True, text=True, timeout=30)
        if output.returncode == 0 and output.stdout.strip():
            return output.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "none (CPU)"


def mnist():
    """(x_train, y_train, x_test, y_test) of `DATA/mnist.npz`: flat float32 pixels in [0, 1], int64 labels."""
    import numpy as np

    with np.load(os.path.join(DATA, "mnist.npz")) as data:
        return (data["x_train"].reshape(-1, 784).astype("float32") / 255.0, data["y_train"].astype("int64"),
                data["x_test"].reshape(-1, 784).astype("float32") / 255.0, data["y_test"].astype("int64"))


def write_json(path, result, default=float):
    """Writes `result` to `path` atomically (with a machine record if absent).

    Returns:
        The path written.
    """
    from keras_gen.utils import atomic_path

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    result = dict(result)
    if "machine" not in result:
        result["machine"] = machine()
    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(result, handle, indent=2, default=default)
            handle.write("\n")
    return path


def write_result(name, result, folder=RESULTS, default=float):
    """Writes `result` to `folder/name.json` atomically (with a machine record if absent).

    Returns:
        The path written.
    """
    return write_json(os.path.join(folder, f"{name}.json"), result, default=default)
