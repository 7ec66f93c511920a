import os
import shutil
import sys

import pytest

from keras_gen.presets import list_presets
from keras_gen.presets import resolve_preset
from keras_gen.presets.resolve import cache_dir


def test_shipped_names_resolve_to_checked_folders():
    names = list_presets()
    assert {"rbm_mnist", "dbn_mnist", "vae_mnist", "dcgan_mnist", "dcgan_fashion_mnist",
            "cgan_mnist"} <= set(names)
    folder, card = resolve_preset("preset:dcgan_mnist")
    assert card["name"] == "dcgan_mnist" and os.path.isfile(os.path.join(folder, "model.keras"))


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"one of \[.*'dcgan_mnist'.*\].*did you mean 'dcgan_mnist'"):
        resolve_preset("dcgan_mnst")


@pytest.mark.parametrize("uri, message", [
    ("s3://bucket/model", r"scheme 's3://' is not supported"),
    ("http://example.com/model.keras", r"scheme 'http://' is not supported"),
    ("hf://only-owner", "hf://OWNER/NAME"),
    ("kaggle://owner/model", "kaggle://OWNER/MODEL/FRAMEWORK/VARIATION"),
    ("missing/folder", "existing path"),
    ("nothing.keras", "existing path"),
])
def test_bad_uris_and_paths(uri, message):
    with pytest.raises(ValueError, match=message):
        resolve_preset(uri)


def test_local_folders_and_files(tiny_run, tiny_preset, tmp_path):
    run, _ = tiny_run
    folder, _ = tiny_preset
    assert resolve_preset(folder)[1]["name"] == "tiny_rbm"
    assert resolve_preset(run) == (os.path.abspath(run), None)  # a run folder, no card
    model_file = os.path.join(run, "model.keras")
    assert resolve_preset(model_file) == (os.path.abspath(model_file), None)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match=".keras archive"):
        resolve_preset(str(tmp_path / "notes.txt"))
    with pytest.raises(ValueError, match="with none"):
        resolve_preset(str(tmp_path))


def test_hf_download_is_checked_then_cached(fake_hub, tiny_preset):
    store, calls = fake_hub
    folder, _ = tiny_preset
    shutil.copytree(folder, store / "me" / "tiny")
    path, card = resolve_preset("hf://me/tiny")
    assert card["name"] == "tiny_rbm" and path.startswith(cache_dir())
    assert not os.path.exists(os.path.join(path, ".cache"))  # the client's notes are dropped
    assert resolve_preset("preset:hf://me/tiny")[0] == path
    assert calls == [("hf", "me/tiny", None)]  # the second call used the cache
    resolve_preset("hf://me/tiny@v2")
    assert calls[-1] == ("hf", "me/tiny", "v2")


def test_a_tampered_download_leaves_nothing_in_the_cache(fake_hub, tiny_preset):
    store, _ = fake_hub
    folder, _ = tiny_preset
    shutil.copytree(folder, store / "me" / "bad")
    with open(store / "me" / "bad" / "model.keras", "ab") as handle:
        handle.write(b"tampered")
    os.remove(store / "me" / "bad" / "run.json")
    with pytest.raises(ValueError, match=r"missing \['run.json'\].*SHA-256.*model.keras"):
        resolve_preset("hf://me/bad")
    leftovers = [files for _, _, files in os.walk(cache_dir()) if files]
    assert leftovers == []


def test_a_failed_download_leaves_nothing_in_the_cache(fake_hub):
    with pytest.raises(FileNotFoundError):
        resolve_preset("hf://me/absent")
    assert [files for _, _, files in os.walk(cache_dir()) if files] == []


def test_kaggle_download(fake_hub, tiny_preset):
    store, calls = fake_hub
    folder, _ = tiny_preset
    shutil.copytree(folder, store / "me" / "tiny" / "keras" / "default")
    path, card = resolve_preset("kaggle://me/tiny/keras/default")
    assert card["name"] == "tiny_rbm" and os.path.join("kaggle", "me", "tiny") in path
    assert calls == [("kaggle", "me/tiny/keras/default")]


def test_hub_uri_without_its_client(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    monkeypatch.setitem(sys.modules, "kagglehub", None)
    monkeypatch.setenv("KERAS_GEN_CACHE", str(tmp_path))
    with pytest.raises(ImportError, match="huggingface_hub"):
        resolve_preset("hf://me/tiny")
    with pytest.raises(ImportError, match="kagglehub"):
        resolve_preset("kaggle://me/tiny/keras/default")
    assert [files for _, _, files in os.walk(tmp_path) if files] == []
