"""`push_preset`: a run or preset folder to the Hugging Face Hub or Kaggle Models, with its card."""

import os
import tempfile

from keras_gen.presets.card import CARD_FILE
from keras_gen.presets.resolve import SCHEMES

__all__ = ["push_preset", "run_card"]


def run_card(run_dir, name):
    """The card fields of a `keras-gen train` run folder (its model, data, command and metrics)."""
    import json

    from keras_gen.presets.loading import preset_class_name

    def read(file_name):
        path = os.path.join(run_dir, file_name)
        if not os.path.isfile(path):
            return {}
        with open(path) as handle:
            return json.load(handle)

    record = read("run.json")
    arguments = record.get("args", {})
    metrics = read("metrics.json")
    command = " ".join(["keras-gen", "train", str(record.get("model", "?"))] + [
        f"--{key.replace('_', '-')} {value}" for key, value in sorted(arguments.items())
        if key not in ("model", "command", "output", "overwrite", "verbose") and value not in (None, False)])
    numbers = {key: value for key, value in metrics.items() if isinstance(value, (int, float))}
    return {
        "name": name, "title": record.get("title", name),
        "class": preset_class_name(run_dir, None),
        "model": record.get("model", "?"), "data": arguments.get("data", "?"),
        "training_command": command,
        "quality": {"metric": "training metrics", "value": "see table",
                    "protocol": "metrics.json of the run, as `keras-gen train` and `evaluate` wrote them",
                    **numbers},
    }


def _target(uri):
    if "://" not in str(uri) or str(uri).split("://", 1)[0].lower() not in SCHEMES:
        raise ValueError(f"Expected `destination` to be hf://OWNER/NAME or "
                         f"kaggle://OWNER/MODEL/FRAMEWORK/VARIATION. Received: destination={uri!r}")
    scheme, path = str(uri).split("://", 1)
    path = path.strip("/")
    if scheme.lower() == "hf" and len(path.split("/")) != 2:
        raise ValueError(f"Expected `destination` of the form hf://OWNER/NAME. Received: destination={uri!r}")
    if scheme.lower() == "kaggle" and len(path.split("/")) != 4:
        raise ValueError("Expected `destination` of the form kaggle://OWNER/MODEL/FRAMEWORK/VARIATION. "
                         f"Received: destination={uri!r}")
    return scheme.lower(), path


def _client(scheme):
    module = "huggingface_hub" if scheme == "hf" else "kagglehub"
    try:
        return __import__(module)
    except ImportError:
        raise ImportError(f"Expected `{module}` to be installed to push to {scheme}://. Received: no "
                          f"{module} module (pip install 'keras-gen[hub]')") from None


def push_preset(source, destination, message=None):
    """Uploads a preset (its files and card) to the Hugging Face Hub or Kaggle Models.

    A run folder from `keras-gen train` is packed first (model without its
    optimizer, run and data records, pictures, and a card made from its
    `run.json` and `metrics.json`); a preset folder goes as it is.

    Args:
        source: a run folder or a preset folder (with `preset.json`).
        destination: `hf://OWNER/NAME` or `kaggle://OWNER/MODEL/FRAMEWORK/VARIATION`.
        message: the commit message / version notes.

    Returns:
        The destination URI, loadable with `from_preset`.

    Example:

    ```python
    push_preset("runs/dcgan", "hf://me/dcgan-mnist")
    model = DCGAN.from_preset("hf://me/dcgan-mnist")
    ```
    """
    from keras_gen.presets.card import read_card
    from keras_gen.presets.card import verify_files
    from keras_gen.presets.packing import pack_preset

    scheme, path = _target(destination)
    source = os.fspath(source)
    if not os.path.isfile(os.path.join(source, "model.keras")):
        raise ValueError(f"Expected `source` to be a run or preset folder with model.keras. "
                         f"Received: source={source!r}")
    client = _client(scheme)  # before any packing: a missing client fails at once
    message = message or f"keras-gen preset {os.path.basename(os.path.normpath(source))}"
    with tempfile.TemporaryDirectory() as folder:
        if os.path.isfile(os.path.join(source, CARD_FILE)):
            verify_files(source, read_card(source), source)
            upload = source
        else:
            upload = os.path.join(folder, "preset")
            pack_preset(source, upload, run_card(source, path.split("/")[-1 if scheme == "hf" else 1]),
                        float16=False)
        if scheme == "hf":
            api = client.HfApi(library_name="keras-gen")
            repo = api.create_repo(path, exist_ok=True)
            api.upload_folder(repo_id=getattr(repo, "repo_id", path), folder_path=upload,
                              commit_message=message)
        else:
            client.model_upload(path, upload, version_notes=message)
    return f"{scheme}://{path}"
