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

__all__ = ["DATA", "RESULTS", "ROOT", "machine", "write_result"]


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


def write_result(name, result, folder=RESULTS):
    """Writes `result` to `folder/name.json` atomically (with a machine record if absent).

    Returns:
        The path written.
    """
    from keras_gen.utils import atomic_path

    os.makedirs(folder, exist_ok=True)
    result = dict(result)
    result.setdefault("machine", machine())
    path = os.path.join(folder, f"{name}.json")
    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(result, handle, indent=2, default=float)
            handle.write("\n")
    return path
