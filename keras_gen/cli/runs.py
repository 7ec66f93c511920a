"""Run folders made by `keras-gen train`: one copy of each helper every family uses.

A run folder holds `model.keras`, `run.json` (what was trained, how),
`data.json` (what the data looked like: image shape, scaling),
`metrics.json` and the pictures. `keras-gen train` builds it in a hidden
sibling folder and renames it into place only when training succeeded, so a
failed or killed run never leaves a half-described folder, and an existing
run is replaced only when asked (`--overwrite`).
"""

import contextlib
import json
import os
import shutil

from keras_gen.utils import atomic_path

__all__ = [
    "DATA_FILE",
    "METRICS_FILE",
    "MODEL_FILE",
    "RUN_FILE",
    "load_run_model",
    "load_split",
    "new_run_folder",
    "read_data_record",
    "read_json",
    "read_run",
    "save_model",
    "update_metrics",
    "write_data_record",
    "write_json",
]

RUN_FILE = "run.json"
METRICS_FILE = "metrics.json"
DATA_FILE = "data.json"
MODEL_FILE = "model.keras"
# Runs written before the record was unified kept the image shape here.
_LEGACY_DATA_FILE = "data_info.json"
_PARTIAL = ".partial-"


def write_json(path, payload):
    """Writes JSON atomically (temp file, then rename); returns `path`."""
    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(payload, handle, indent=2, sort_keys=True, default=float)
            handle.write("\n")
    return path


def read_json(path, name):
    """Reads a JSON file of a run; a clear error if it is missing or damaged."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise ValueError(f"Expected `{name}` to exist. Received: {name}={path!r} (missing)") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Expected `{name}` to be valid JSON. Received: {name}={path!r} ({error.msg}, "
            f"line {error.lineno})"
        ) from None


def read_run(run_dir):
    """Reads `run.json` of a run folder made by `keras-gen train`."""
    path = os.path.join(run_dir, RUN_FILE)
    if not os.path.isfile(path):
        raise ValueError(
            f"Expected a run folder made by `keras-gen train` (with {RUN_FILE}). "
            f"Received: run={run_dir!r}"
        )
    return read_json(path, "run.json")


def write_data_record(run_dir, record):
    """Writes what the data looked like (`image_shape`, scaling) to `data.json`."""
    record = dict(record)
    if "image_shape" in record:
        record["image_shape"] = [int(size) for size in record["image_shape"]]
    return write_json(os.path.join(run_dir, DATA_FILE), record)


def read_data_record(run_dir):
    """The run's data record (`{}` when the run has none)."""
    path = os.path.join(run_dir, DATA_FILE)
    if os.path.isfile(path):
        return read_json(path, "data.json")
    legacy = os.path.join(run_dir, _LEGACY_DATA_FILE)
    if os.path.isfile(legacy):
        return read_json(legacy, _LEGACY_DATA_FILE)
    return {}


def image_shape(run_dir, default=None):
    """The image shape recorded by `train` (a tuple), or `default`."""
    shape = read_data_record(run_dir).get("image_shape")
    return tuple(shape) if shape else default


def save_model(model, run_dir):
    """Saves `model` as the run's `model.keras` (atomically); returns the path."""
    path = os.path.join(run_dir, MODEL_FILE)
    with atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)
    return path


def load_run_model(run_dir):
    """Loads the run's `model.keras` (any keras-gen family)."""
    from keras_gen.models import load_model

    return load_model(os.path.join(run_dir, MODEL_FILE))


def update_metrics(run_dir, result):
    """Merges `result` into the run's `metrics.json`."""
    path = os.path.join(run_dir, METRICS_FILE)
    previous = read_json(path, "metrics.json") if os.path.isfile(path) else {}
    previous.update(result)
    return write_json(path, previous)


def load_split(data, split, flatten=True, scale="unit", limit=None, seed=0):
    """A split of `--data` as `(x, y, image_shape)`; `x` flattened to rows if asked."""
    from keras_gen.data import load_dataset

    x, y = load_dataset(data, split=split, scale=scale, limit=limit, seed=seed)
    shape = tuple(x.shape[1:])
    if flatten and x.ndim > 2:
        x = x.reshape(len(x), -1)
    return x, y, shape


def _partial_folders(run_dir):
    parent = os.path.dirname(os.path.abspath(run_dir))
    prefix = "." + os.path.basename(os.path.abspath(run_dir)) + _PARTIAL
    if not os.path.isdir(parent):
        return []
    return [os.path.join(parent, name) for name in os.listdir(parent) if name.startswith(prefix)]


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(run_dir):
    """Removes hidden partial folders of `run_dir` left by killed `train` processes."""
    for folder in _partial_folders(run_dir):
        try:
            pid = int(folder.rsplit(_PARTIAL, 1)[1])
        except ValueError:
            continue
        if pid != os.getpid() and not _process_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def check_output(run_dir, overwrite=False):
    """Refuses to train into an existing, non-empty folder unless `overwrite`."""
    if os.path.isfile(run_dir):
        raise ValueError(f"Expected `--output` to be a folder. Received: --output={run_dir!r} (a file)")
    if os.path.isdir(run_dir) and os.listdir(run_dir) and not overwrite:
        raise ValueError(
            f"Expected `--output` to be a new or empty folder. Received: --output={run_dir!r}, "
            "which holds files (pass --overwrite to replace it)"
        )


@contextlib.contextmanager
def new_run_folder(run_dir, overwrite=False):
    """Yields a hidden partial folder; renames it onto `run_dir` on success.

    If the body raises (or the process is killed), `run_dir` is untouched:
    an existing run stays as it was and no half-written run appears. The
    partial folder is removed on failure, and by the next `train` of the same
    output if the process was killed.
    """
    check_output(run_dir, overwrite)
    parent = os.path.dirname(os.path.abspath(run_dir)) or "."
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as error:
        raise ValueError(
            f"Expected `--output` to be in a folder that can be created. Received: "
            f"--output={run_dir!r} ({error.strerror})"
        ) from None
    if not os.access(parent, os.W_OK):
        raise ValueError(
            f"Expected `--output` to be in a writable folder. Received: --output={run_dir!r} "
            f"({parent!r} is not writable)"
        )
    remove_stale_partials(run_dir)
    partial = os.path.join(parent, "." + os.path.basename(os.path.abspath(run_dir)) + _PARTIAL
                           + str(os.getpid()))
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    try:
        yield partial
        if os.path.isdir(run_dir):
            # Replace the old run only now that the new one is complete.
            retired = partial + "-old"
            os.replace(run_dir, retired)
            os.replace(partial, run_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(partial, run_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
