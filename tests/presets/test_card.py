import json
import os

import pytest

from keras_gen.presets.card import CARD_FILE
from keras_gen.presets.card import read_card
from keras_gen.presets.card import verify_files
from keras_gen.presets.card import write_card


def _folder(tmp_path):
    folder = tmp_path / "preset"
    (folder / "export").mkdir(parents=True)
    (folder / "model.keras").write_bytes(b"weights")
    (folder / "export" / "part.onnx").write_bytes(b"graph")
    return str(folder)


def test_the_card_lists_every_file_with_its_hash_and_renders_a_readme(tmp_path):
    folder = _folder(tmp_path)
    card = write_card(folder, {"name": "p", "class": "RBM", "model": "rbm", "title": "P",
                               "training_command": "keras-gen train rbm",
                               "quality": {"metric": "fid", "value": 1.5, "protocol": "x"}})
    assert sorted(card["files"]) == ["export/part.onnx", "model.keras"]
    assert card["files"]["model.keras"]["bytes"] == len(b"weights")
    assert read_card(folder) == card
    verify_files(folder, card)
    readme = open(os.path.join(folder, "README.md")).read()
    assert readme.startswith("---\nlibrary_name: keras") and "keras-gen train rbm" in readme and "1.5" in readme


def test_a_missing_or_altered_file_is_named(tmp_path):
    folder = _folder(tmp_path)
    card = write_card(folder, {"name": "p", "class": "RBM", "model": "rbm"})
    with open(os.path.join(folder, "model.keras"), "ab") as handle:
        handle.write(b"!")
    os.remove(os.path.join(folder, "export", "part.onnx"))
    with pytest.raises(ValueError, match=r"missing \['export/part.onnx'\].*SHA-256.*\['model.keras'\]"):
        verify_files(folder, card, "p")


@pytest.mark.parametrize("content, message", [
    (None, "with a card"),
    ("{not json", "valid JSON"),
    (json.dumps({"format": 1, "name": "p"}), r"missing \['class', 'files'\]"),
])
def test_bad_cards(tmp_path, content, message):
    if content is not None:
        (tmp_path / CARD_FILE).write_text(content)
    with pytest.raises(ValueError, match=message):
        read_card(str(tmp_path), "p")
