"""A tiny preset made from a tiny run folder, and a fake hub serving it."""

import json
import os
import shutil
import sys
import types

import numpy as np
import pytest


def make_run(folder, seed=0):
    """A run folder like `keras-gen train rbm` writes, with a 6-visible RBM."""
    from keras_gen.models import RBM

    os.makedirs(folder)
    model = RBM(3, seed=seed)
    model.build((None, 6))
    model.save(os.path.join(folder, "model.keras"))
    with open(os.path.join(folder, "run.json"), "w") as handle:
        json.dump({"model": "rbm", "args": {"data": "digits", "hidden_units": 3, "seed": seed}}, handle)
    with open(os.path.join(folder, "data.json"), "w") as handle:
        json.dump({"image_shape": [2, 3], "scale": "binary", "data": "digits"}, handle)
    with open(os.path.join(folder, "metrics.json"), "w") as handle:
        json.dump({"epochs": 1, "train_reconstruction_error": 0.25}, handle)
    return model


@pytest.fixture
def tiny_run(tmp_path):
    run = str(tmp_path / "run")
    model = make_run(run)
    return run, model


@pytest.fixture
def tiny_preset(tmp_path, tiny_run):
    from keras_gen.presets.packing import pack_preset

    run, model = tiny_run
    folder = str(tmp_path / "tiny_rbm")
    pack_preset(run, folder, {"name": "tiny_rbm", "title": "tiny", "class": "RBM", "model": "rbm",
                              "data": "digits", "training_command": "keras-gen train rbm",
                              "quality": {"metric": "none", "value": 0.0, "protocol": "test"}},
                float16=False)
    return folder, model


@pytest.fixture
def fake_hub(monkeypatch, tmp_path):
    """`huggingface_hub` and `kagglehub` stand-ins serving folders of `store` (no network)."""
    store = tmp_path / "store"
    store.mkdir()
    calls = []

    def snapshot_download(repo_id, revision=None, local_dir=None, library_name=None):
        calls.append(("hf", repo_id, revision))
        source = store / repo_id
        if not source.is_dir():
            raise FileNotFoundError(f"no repository {repo_id}")
        shutil.copytree(source, local_dir, dirs_exist_ok=True)
        os.makedirs(os.path.join(local_dir, ".cache", "huggingface"), exist_ok=True)
        return local_dir

    def model_download(handle):
        calls.append(("kaggle", handle))
        return str(store / handle)

    monkeypatch.setitem(sys.modules, "huggingface_hub", types.SimpleNamespace(snapshot_download=snapshot_download))
    monkeypatch.setitem(sys.modules, "kagglehub", types.SimpleNamespace(model_download=model_download))
    monkeypatch.setenv("KERAS_GEN_CACHE", str(tmp_path / "cache"))
    return store, calls


def weights_of(model):
    return [np.asarray(v) for v in model.get_weights()]
