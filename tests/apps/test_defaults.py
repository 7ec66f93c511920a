"""The demo's default models are the shipped presets, served as packed: no training, no export."""

import os
import time

import pytest

from keras_gen.apps import defaults
from keras_gen.apps import runs as app_runs
from keras_gen.presets.resolve import shipped_dir

pytestmark = pytest.mark.backends("tensorflow", reason="reads files only; the app tests run under TensorFlow")


def test_the_defaults_are_the_shipped_presets_served_in_place(tmp_path):
    started = time.perf_counter()
    folders, notes = defaults.default_runs(root=str(tmp_path))
    assert time.perf_counter() - started < 30  # hashes checked, nothing trained or exported
    assert [os.path.basename(folder) for folder in folders] == list(defaults.DEFAULT_PRESETS)
    assert all(folder.startswith(shipped_dir()) for folder in folders) and notes == {}
    assert os.listdir(tmp_path) == []


def test_out_of_date_artifacts_are_re_exported_from_a_cache_copy(monkeypatch, tmp_path):
    monkeypatch.setattr(app_runs, "MANIFEST_VERSION", app_runs.MANIFEST_VERSION + 100)
    lines = []
    (copy,), _ = defaults.default_runs(names=["dcgan_mnist"], log=lines.append, root=str(tmp_path))
    assert copy.startswith(str(tmp_path)) and "exporting a copy" in lines[0]
    assert os.path.isfile(os.path.join(copy, "model.keras")) and not os.path.exists(os.path.join(copy, "export"))
    assert defaults.default_runs(names=["dcgan_mnist"], log=lines.append, root=str(tmp_path))[0] == [copy]
    assert len(lines) == 1  # copied once


def test_the_image_to_image_preset_finds_the_examples_it_ships(demo_bundles):
    bundles, _ = demo_bundles
    pix2pix = next(bundle for bundle in bundles if bundle.model_class == "Pix2Pix")
    assert os.path.isabs(pix2pix.data) and pix2pix.data.endswith("examples.npz") and os.path.isfile(pix2pix.data)
