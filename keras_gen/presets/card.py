"""A preset's card: `preset.json` (what the model is, how it was trained and
measured, the SHA-256 of each file) and the `README.md` rendered from it.

A preset folder is a `keras-gen train` run folder (`model.keras`, `run.json`,
`data.json`, pictures, the demo's `export/` artifacts) plus its card. The
card is written last, so a folder with a card is complete, and its hashes
are checked each time the preset is loaded.
"""

import hashlib
import json
import os

from keras_gen.utils import atomic_path

__all__ = ["CARD_FILE", "README_FILE", "file_digest", "folder_files", "read_card", "verify_files",
           "write_card"]

CARD_FILE = "preset.json"
README_FILE = "README.md"
CARD_FORMAT = 1
# Files a preset never lists: the card itself, and what the demo's exporter
# or the Hub's client may add next to the files.
_UNLISTED = {CARD_FILE, README_FILE, ".gitattributes"}
_UNLISTED_FOLDERS = {".cache", ".git", "__pycache__"}


def file_digest(path):
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder):
    """The files of a preset folder the card lists (relative, `/`-separated, sorted)."""
    names = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in _UNLISTED_FOLDERS)
        for name in files:
            relative = os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")
            if relative not in _UNLISTED and not name.startswith(".tmp-"):
                names.append(relative)
    return sorted(names)


def read_card(folder, source=None):
    """Reads `folder/preset.json`.

    Args:
        folder: a preset folder.
        source: how the user named it (for messages; default `folder`).

    Returns:
        The card as a dict.
    """
    source = folder if source is None else source
    path = os.path.join(folder, CARD_FILE)
    try:
        with open(path) as handle:
            card = json.load(handle)
    except FileNotFoundError:
        raise ValueError(f"Expected a preset with a card ({CARD_FILE}). Received: preset={source!r} "
                         "without one") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"Expected the card of preset={source!r} to be valid JSON. Received: "
                         f"{error.msg} at line {error.lineno} of {CARD_FILE}") from None
    missing = [key for key in ("name", "class", "files") if key not in card]
    if missing or card.get("format") != CARD_FORMAT:
        raise ValueError(f"Expected a card of format {CARD_FORMAT} naming name, class and files. "
                         f"Received: preset={source!r} with format {card.get('format')!r}, "
                         f"missing {missing}")
    return card


def verify_files(folder, card, source=None):
    """Checks that every file the card lists is there with its SHA-256.

    Raises:
        ValueError: naming the missing or altered files.
    """
    source = folder if source is None else source
    missing, altered = [], []
    for name, expected in sorted(card["files"].items()):
        path = os.path.join(folder, *name.split("/"))
        if not os.path.isfile(path):
            missing.append(name)
        elif file_digest(path) != expected["sha256"]:
            altered.append(name)
    if missing or altered:
        problems = ([f"missing {missing}"] if missing else []) + (
            [f"SHA-256 not the card's for {altered}"] if altered else [])
        raise ValueError(f"Expected every file listed on the card of preset={source!r}. "
                         f"Received: {'; '.join(problems)}")


def _figure(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def render_readme(card):
    """The card as Markdown, with the Hugging Face model-card header."""
    quality = card.get("quality", {})
    class_name = card.get("class", "GenerativeModel")
    lines = [
        "---", "library_name: keras", "tags:", "- keras-gen", f"- {card.get('model', 'model')}", "---", "",
        f"# {card.get('title', card['name'])}", "",
        f"A keras-gen preset: a `{class_name}` trained on {card.get('data', 'its data')}.", "",
        "```python",
        "from keras_gen.models import " + class_name,
        f"model = {class_name}.from_preset({card['name']!r})  # or the hf:// URI of this repository",
        "```", "",
        "## Training", "", "```bash", card.get("training_command", "(not recorded)"), "```", "",
        *([card["notes"], ""] if card.get("notes") else []),
        "## Quality", "",
        f"{quality.get('metric', '?')} = **{_figure(quality.get('value'))}** "
        f"({quality.get('protocol', '')})", "",
    ]
    extra = {key: value for key, value in quality.items()
             if key not in ("metric", "value", "protocol", "seconds")}
    if extra:
        lines += ["| figure | value |", "|---|---|"]
        lines += [f"| {key} | {_figure(value)} |" for key, value in sorted(extra.items())]
        lines.append("")
    storage = card.get("storage", {})
    if storage:
        lines += ["## Storage", "", f"Weights stored as {storage.get('weights', 'float32')}: "
                  f"{storage.get('note', '')}".rstrip(), ""]
        before = card.get("quality_before_packing")
        if before:
            lines += [f"Measured on the trained float32 weights: {before['metric']} = {_figure(before['value'])}.", ""]
    lines += ["## Files", "", "| file | bytes | SHA-256 |", "|---|---|---|"]
    lines += [f"| `{name}` | {entry['bytes']} | `{entry['sha256'][:16]}…` |"
              for name, entry in sorted(card["files"].items())]
    return "\n".join(lines) + "\n"


def write_card(folder, card):
    """Lists the folder's files with their SHA-256 in `card` and writes
    `preset.json` and `README.md` (atomically, the card last).

    Returns:
        The card written.
    """
    card = dict(card, format=CARD_FORMAT)
    card["files"] = {
        name: {"sha256": file_digest(os.path.join(folder, *name.split("/"))),
               "bytes": os.path.getsize(os.path.join(folder, *name.split("/")))}
        for name in folder_files(folder)
    }
    with atomic_path(os.path.join(folder, README_FILE)) as tmp:
        with open(tmp, "w") as handle:
            handle.write(render_readme(card))
    with atomic_path(os.path.join(folder, CARD_FILE)) as tmp:
        with open(tmp, "w") as handle:
            json.dump(card, handle, indent=2, sort_keys=True)
            handle.write("\n")
    return card
