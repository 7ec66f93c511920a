"""Turning a `keras-gen train` run folder into a preset folder.

`pack_preset` copies what a user of the model needs (the model, the run and
data records, the pictures), re-saves the model without its optimizer
(presets are for sampling and fine-tuning, not for resuming the exact
optimizer state), optionally stores its float weights as float16 (a `.keras`
file whose weights file holds float16 arrays; Keras casts them back to each
variable's float32 when loading, so any Keras loader reads it), lets the
caller add files (`tools/train_presets.py` adds the demo's ONNX artifacts),
and writes the card last.
"""

import os
import shutil
import tempfile
import zipfile

from keras_gen.presets.card import write_card

__all__ = ["PICTURES", "RUN_FILES", "pack_preset", "save_stripped", "storage_record"]

RUN_FILES = ("run.json", "data.json", "metrics.json", "standardization.npz")
PICTURES = ("samples.png", "filters.png", "reconstructions.png", "translations.png")
_WEIGHTS = "model.weights.h5"


def _float16_weights(source, target):
    """Copies an HDF5 weights file, storing float32/float64 arrays as float16."""
    import h5py
    import numpy as np

    with h5py.File(source, "r") as old, h5py.File(target, "w") as new:
        def copy(name, item):
            if isinstance(item, h5py.Group):
                group = new.require_group(name)
                group.attrs.update(dict(item.attrs))
                return
            values = item[()]
            if isinstance(values, np.ndarray) and values.dtype in (np.float32, np.float64):
                values = values.astype(np.float16)
            new.create_dataset(name, data=values)
            new[name].attrs.update(dict(item.attrs))

        new.attrs.update(dict(old.attrs))
        old.visititems(copy)


def save_stripped(model_file, target, float16=False):
    """Re-saves a `.keras` file without its optimizer, its weights as float16 if asked.

    Args:
        model_file: the trained `.keras` file.
        target: the `.keras` file to write (atomically).
        float16: store float weights as float16.

    Returns:
        `target`.
    """
    from keras_gen.models import load_model
    from keras_gen.utils import atomic_path

    model = load_model(model_file, compile=False)
    with tempfile.TemporaryDirectory() as folder:
        plain = os.path.join(folder, "model.keras")
        model.save(plain)
        with atomic_path(target, suffix=".keras") as tmp:
            if not float16:
                shutil.copyfile(plain, tmp)
                return target
            with zipfile.ZipFile(plain) as old, zipfile.ZipFile(tmp, "w") as new:
                for info in old.infolist():
                    if info.filename != _WEIGHTS:
                        new.writestr(info, old.read(info.filename))
                        continue
                    weights = os.path.join(folder, "weights.h5")
                    half = os.path.join(folder, "half.h5")
                    with open(weights, "wb") as handle:
                        handle.write(old.read(info.filename))
                    _float16_weights(weights, half)
                    new.write(half, _WEIGHTS)
    return target


def storage_record(float16):
    """The card's `storage` entry."""
    return {"weights": "float16" if float16 else "float32", "optimizer": False,
            "note": "float16 arrays in the .keras file, cast back to float32 when loaded; no optimizer "
                    "state" if float16 else "as trained; no optimizer state"}


def pack_preset(run_dir, folder, card, float16=True, extra_files=None, before_card=None):
    """Writes a preset folder from a run folder.

    Args:
        run_dir: a `keras-gen train` run folder.
        folder: the preset folder to create (must not exist; built in a
            hidden sibling and renamed into place when complete).
        card: the card's fields (`name`, `title`, `class`, `model`, `data`,
            `training_command`, `quality`, ...); `files` is filled in.
        float16: store float weights as float16.
        extra_files: `{name in preset: path}` to copy in as well (e.g.
            `examples.npz`).
        before_card: called with the unfinished folder before the card is
            written (to add files the card must list).

    Returns:
        The card written.
    """
    if os.path.exists(folder):
        raise ValueError(f"Expected `folder` to be a new path. Received: folder={folder!r} (exists)")
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}-partial-", dir=parent)
    try:
        save_stripped(os.path.join(run_dir, "model.keras"), os.path.join(staging, "model.keras"), float16)
        for name in RUN_FILES + PICTURES:
            if os.path.isfile(os.path.join(run_dir, name)):
                shutil.copyfile(os.path.join(run_dir, name), os.path.join(staging, name))
        for name, path in (extra_files or {}).items():
            shutil.copyfile(path, os.path.join(staging, name))
        if before_card is not None:
            before_card(staging)
        written = write_card(staging, dict(card, storage=storage_record(float16)))
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide an installed preset from other users
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
