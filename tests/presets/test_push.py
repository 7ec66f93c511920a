import os
import sys
import types

import pytest

from keras_gen.presets import push_preset


@pytest.fixture
def fake_hf(monkeypatch):
    uploads = []

    class HfApi:
        def __init__(self, library_name=None):
            self.library_name = library_name

        def create_repo(self, repo_id, exist_ok=False):
            return types.SimpleNamespace(repo_id=repo_id)

        def upload_folder(self, repo_id, folder_path, commit_message):
            uploads.append((repo_id, sorted(os.listdir(folder_path)), commit_message))

    monkeypatch.setitem(sys.modules, "huggingface_hub", types.SimpleNamespace(HfApi=HfApi))
    return uploads


def test_push_a_run_writes_the_card_and_files(fake_hf, tiny_run):
    run, _ = tiny_run
    assert push_preset(run, "hf://me/tiny-rbm") == "hf://me/tiny-rbm"
    (repo, files, message), = fake_hf
    assert repo == "me/tiny-rbm" and "keras-gen preset" in message
    assert {"README.md", "preset.json", "model.keras", "run.json", "data.json", "metrics.json"} <= set(files)


def test_push_a_preset_folder_as_it_is(fake_hf, tiny_preset):
    folder, _ = tiny_preset
    push_preset(folder, "hf://me/tiny", message="v1")
    assert fake_hf[0][2] == "v1" and "preset.json" in fake_hf[0][1]


def test_push_without_huggingface_hub(monkeypatch, tiny_run, tmp_path):
    run, _ = tiny_run
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(ImportError, match=r"Expected `huggingface_hub` to be installed"):
        push_preset(run, "hf://me/tiny")


@pytest.mark.parametrize("destination, message", [("me/tiny", "hf://OWNER/NAME"), ("s3://b/k", "hf://OWNER/NAME"),
                                                  ("hf://a/b/c", "hf://OWNER/NAME"),
                                                  ("kaggle://me/m", "kaggle://OWNER/MODEL")])
def test_bad_destinations(destination, message, tiny_run):
    with pytest.raises(ValueError, match=message):
        push_preset(tiny_run[0], destination)


def test_push_something_that_is_no_run(tmp_path):
    with pytest.raises(ValueError, match="run or preset folder"):
        push_preset(str(tmp_path), "hf://me/x")
