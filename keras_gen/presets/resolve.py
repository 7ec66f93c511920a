"""Where a preset is: a shipped name, a local folder or file, or a hub URI.

`resolve_preset("dcgan_mnist")` -> the folder shipped in the package;
`resolve_preset("hf://user/name")` and `resolve_preset("kaggle://owner/model/keras/variant")`
download once into `$KERAS_GEN_CACHE/presets` (default
`~/.cache/keras-gen/presets`) through `huggingface_hub` / `kagglehub`, the
clients Keras and KerasHub use. A download lands in a hidden partial folder
that is renamed into place only once every file matches the card's SHA-256,
so a failed or tampered download leaves nothing in the cache.
"""

import difflib
import os
import shutil
import tempfile

from keras_gen.presets.card import CARD_FILE
from keras_gen.presets.card import read_card
from keras_gen.presets.card import verify_files

__all__ = ["PRESET_PREFIX", "SCHEMES", "cache_dir", "list_presets", "resolve_preset",
           "shipped_dir"]

PRESET_PREFIX = "preset:"
SCHEMES = ("hf", "kaggle")
_SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shipped")


def shipped_dir():
    """The folder holding the presets shipped with the package."""
    return _SHIPPED


def list_presets():
    """Names of the presets shipped with the package, sorted.

    Returns:
        A list of names for `from_preset` and `keras-gen ... preset:NAME`.

    Example:

    >>> "dcgan_mnist" in list_presets()
    True
    """
    if not os.path.isdir(_SHIPPED):
        return []
    return sorted(name for name in os.listdir(_SHIPPED)
                  if os.path.isfile(os.path.join(_SHIPPED, name, CARD_FILE)))


def cache_dir():
    """`$KERAS_GEN_CACHE/presets` (default `~/.cache/keras-gen/presets`)."""
    root = os.environ.get("KERAS_GEN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "keras-gen")
    return os.path.join(root, "presets")


def _split_uri(text):
    scheme, rest = text.split("://", 1)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"Expected `preset` to be a shipped name, a local path or a URI of scheme "
                         f"{' or '.join(s + '://' for s in SCHEMES)}. Received: preset={text!r} "
                         f"(scheme {scheme + '://'!r} is not supported)")
    parts = [part for part in rest.strip("/").split("/") if part]
    wanted = 2 if scheme == "hf" else (4, 5)
    if (scheme == "hf" and len(parts) != 2) or (scheme == "kaggle" and len(parts) not in wanted):
        form = "hf://OWNER/NAME" if scheme == "hf" else "kaggle://OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]"
        raise ValueError(f"Expected `preset` of the form {form}. Received: preset={text!r}")
    return scheme, "/".join(parts)


def _download_hf(repo_id, folder):
    try:
        import huggingface_hub
    except ImportError:
        raise ImportError("Loading an hf:// preset needs `huggingface_hub`: "
                          "pip install 'keras-gen[hub]'") from None
    revision = None
    if "@" in repo_id:
        repo_id, revision = repo_id.split("@", 1)
    huggingface_hub.snapshot_download(repo_id=repo_id, revision=revision, local_dir=folder,
                                      library_name="keras-gen")


def _download_kaggle(handle, folder):
    try:
        import kagglehub
    except ImportError:
        raise ImportError("Loading a kaggle:// preset needs `kagglehub`: "
                          "pip install 'keras-gen[hub]'") from None
    downloaded = kagglehub.model_download(handle)
    shutil.copytree(downloaded, folder, dirs_exist_ok=True)


def _cached(text):
    scheme, path = _split_uri(text)
    target = os.path.join(cache_dir(), scheme, *path.replace("@", "/").split("/"))
    if os.path.isfile(os.path.join(target, CARD_FILE)):
        return target
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    partial = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}-partial-", dir=parent)
    try:
        (_download_hf if scheme == "hf" else _download_kaggle)(path, partial)
        verify_files(partial, read_card(partial, text), text)
        shutil.rmtree(os.path.join(partial, ".cache"), ignore_errors=True)  # the Hub client's notes
        if os.path.isdir(target):  # an incomplete folder from an older keras-gen
            shutil.rmtree(target)
        os.chmod(partial, 0o755)
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _unknown(name):
    known = list_presets()
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f" (did you mean {match[0]!r}?)" if match else ""
    raise ValueError(f"Expected `preset` to be one of {known}, a local preset folder or .keras file, "
                     f"or an hf:// or kaggle:// URI. Received: preset={name!r}{hint}")


def resolve_preset(name_or_uri):
    """Finds a preset (downloading a hub URI once into the cache) and checks its files.

    Args:
        name_or_uri: a shipped name (`"dcgan_mnist"`, or `"preset:dcgan_mnist"`),
            a local preset folder, a `keras-gen train` run folder, a folder
            saved by Keras (`config.json`), a `.keras` file, or `hf://OWNER/NAME[@REVISION]` /
            `kaggle://OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]`.

    Returns:
        `(path, card)`: a folder or `.keras` file, and its card (None for a
        bare `.keras` file or run folder). A folder with a card has had every
        file checked against the card's SHA-256.

    Example:

    >>> path, card = resolve_preset("preset:dcgan_mnist")
    >>> card["class"], os.path.isfile(os.path.join(path, "model.keras"))
    ('DCGAN', True)
    """
    if not isinstance(name_or_uri, (str, os.PathLike)):
        raise ValueError(f"Expected `preset` to be a name, a path or a URI string. "
                         f"Received: preset={name_or_uri!r}")
    text = os.fspath(name_or_uri)
    if text.startswith(PRESET_PREFIX):
        text = text[len(PRESET_PREFIX):]
    if "://" in text:
        folder = _cached(text)
    elif os.path.isfile(text):
        if not text.endswith(".keras"):
            raise ValueError(f"Expected a preset file to be a .keras archive. Received: preset={text!r}")
        return os.path.abspath(text), None
    elif os.path.isdir(text):
        folder = os.path.abspath(text)
        if not os.path.isfile(os.path.join(folder, CARD_FILE)):
            if not any(os.path.isfile(os.path.join(folder, name)) for name in ("model.keras", "config.json")):
                raise ValueError(f"Expected a preset folder ({CARD_FILE}), a run folder (model.keras) or a "
                                 f"folder saved by Keras (config.json). Received: preset={text!r} with none")
            return folder, None
    elif os.sep in text or text.endswith(".keras"):
        raise ValueError(f"Expected `preset` to be an existing path. Received: preset={text!r} (not found)")
    elif text in list_presets():
        folder = os.path.join(_SHIPPED, text)
    else:
        _unknown(text)
    card = read_card(folder, text)
    verify_files(folder, card, text)
    return folder, card
