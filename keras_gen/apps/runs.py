"""Run folders → exported artifacts the apps serve.

A run folder (from `keras-gen train`, or one of the embedded defaults) holds
`model.keras` and `run.json`. The apps never call the Keras model per
request: each part from `export_parts()` is exported once to ONNX with
`keras_gen.export` into `RUN/export/`, and served with ONNX Runtime.

Exports are cached and incremental. A manifest (`RUN/export/keras_gen.apps.json`)
records, per artifact, the sha256 of the `model.keras` it came from and the
export options (`EXPORT_OPTIONS`); the hash itself is cached against the
file's size and modification time, so an unchanged run starts without
reading its weights. Only missing or stale artifacts are exported, and an
artifact already written by `keras-gen export RUN` with the same options
(its sidecar names the same source hash) is reused as it is.
"""

import json
import os
import subprocess
import sys
import threading

import numpy as np

from keras_gen.presets.card import file_digest

__all__ = ["FAMILIES", "Artifact", "RunBundle", "prepare_run", "family_of"]

# CLI model name / model class → the tab that demos it.
FAMILIES = {
    "gan": "gan", "dcgan": "gan", "cgan": "gan",
    "GAN": "gan", "DCGAN": "gan", "ConditionalGAN": "gan",
    "vae": "vae", "ae": "vae", "dae": "vae", "sae": "vae", "cae": "vae", "stacked-ae": "vae",
    "VAE": "vae",
    "rbm": "rbm", "crbm": "rbm", "dbn": "rbm", "dbm": "rbm", "RBM": "rbm", "DBN": "rbm",
    "pix2pix": "image_to_image", "cyclegan": "image_to_image",
    "Pix2Pix": "image_to_image", "CycleGAN": "image_to_image",
    "vid2vid": "video", "Vid2Vid": "video",
}
MANIFEST = "keras_gen.apps.json"
MANIFEST_VERSION = 4
# What the demo serves: fp32 ONNX with a dynamic batch (one call per grid).
EXPORT_OPTIONS = {"format": "onnx", "quantize": "none", "batch": "dynamic"}


def family_of(name):
    """The tab family of a CLI model name or model class name (None if unknown)."""
    if name in FAMILIES:
        return FAMILIES[name]
    lowered = str(name).lower()
    for key, family in FAMILIES.items():
        if key.lower() == lowered:
            return family
    if "autoencoder" in lowered:
        return "vae"
    return None


class Artifact:
    """One exported part, run with ONNX Runtime (or LiteRT for `.tflite`).

    Calling it with named arrays returns the first output as float32. ONNX
    Runtime sessions are thread-safe; the LiteRT interpreter is not, so calls
    are serialized for `.tflite` artifacts.
    """

    def __init__(self, path):
        from keras_gen.export import load_runner
        from keras_gen.export import read_sidecar

        self.path = path
        self.sidecar = read_sidecar(path)
        # One thread per call: the server runs a couple of requests at once
        # (see `keras_gen.apps.launcher`), and an idle thread pool per session
        # would spin on the same cores.
        self.runner = load_runner(path, num_threads=1)
        self.inputs = {spec["name"]: spec for spec in self.sidecar["inputs"]}
        self.output_shape = tuple(self.sidecar["outputs"][0]["shape"][1:])
        self.output_range = self.sidecar.get("output_range")
        self._lock = threading.Lock() if path.endswith(".tflite") else None

    def input_shape(self, name=None):
        spec = self.inputs[name] if name else next(iter(self.inputs.values()))
        return tuple(spec["shape"][1:])

    def __call__(self, **inputs):
        feed = {}
        for name, value in inputs.items():
            if name not in self.inputs:
                raise ValueError(f"Expected inputs {sorted(self.inputs)}. Received: {name!r}")
            feed[name] = np.ascontiguousarray(value, dtype=self.inputs[name]["dtype"])
        if self._lock is None:
            return np.asarray(self.runner(feed)[0], dtype="float32")
        with self._lock:
            return np.asarray(self.runner(feed)[0], dtype="float32")


def _card_title(path):
    """A preset's title from its card (`preset.json`), or None for a plain run folder."""
    try:
        with open(os.path.join(path, "preset.json")) as handle:
            return json.load(handle).get("title")
    except (OSError, ValueError):
        return None


class RunBundle:
    """A run folder ready to serve: its record, family and loaded artifacts.

    `extras["stack"]` lists, bottom up, the `(features, visible)` artifact
    names of each RBM of an RBM or DBN (empty for other models).
    """

    def __init__(self, path, record, model_class, artifacts, extras=None):
        self.path = path
        self.name = record.get("title") or _card_title(path) or os.path.basename(os.path.normpath(path))
        self.record = record
        self.model_name = record.get("model", model_class)
        self.model_class = model_class
        self.family = family_of(self.model_name) or family_of(model_class)
        self.artifacts = artifacts
        self.extras = extras or {}

    @property
    def data(self):
        """The `--data` the model was trained on (None when unknown)."""
        return (self.record.get("args") or {}).get("data")

    def image_shape(self, size):
        """Shape of one image for `size` flat values (run.json's `image_shape` wins)."""
        if self.record.get("image_shape"):
            return tuple(self.record["image_shape"])
        for channels in (1, 3):
            side = int(round(np.sqrt(size / channels)))
            if side * side * channels == size:
                return (side, side, channels)
        raise ValueError(f"Cannot show vectors of {size} values as images; add image_shape to run.json")


def _visible_means(model):
    """h → mean of p(v | h) of an RBM as an exportable part, for step-by-step
    Gibbs completion with two artifacts (the RBM exports only v → p(h | v)).
    A `GenerativeModel`, the type `keras_gen.export` converts part by part."""
    from keras_gen.models.generative_model import GenerativeModel

    class VisibleMeans(GenerativeModel):
        def __init__(self, rbm):
            super().__init__(name="rbm_visible_means")
            self.means = _VisibleMeans(rbm)

        def call(self, hidden):
            return self.means.model(hidden)

        def export_parts(self):
            return self.means.export_parts()

    return VisibleMeans(model)


class _VisibleMeans:
    def __init__(self, model):
        import keras

        self.bernoulli = getattr(model, "visible_type", "bernoulli") == "bernoulli"
        hidden = keras.Input((int(model.hidden_units),), name="hidden")
        dense = keras.layers.Dense(int(model.kernel.shape[0]), activation="sigmoid" if self.bernoulli else None,
                                   name="visible_mean")
        outputs = dense(hidden)
        kernel = keras.ops.convert_to_numpy(model.kernel)
        dense.set_weights([kernel.T, keras.ops.convert_to_numpy(model.visible_bias)])
        self.model = keras.Model(hidden, outputs, name="rbm_visible")

    def export_parts(self):
        metadata = {
            "inputs": {"hidden": {"range": [0.0, 1.0], "distribution": "binary",
                                  "description": "hidden unit states (or probabilities)"}},
            "output_range": [0.0, 1.0] if self.bernoulli else None,
            "source_class": "RBM",
        }
        return {"visible": (self.model, metadata)}


def _options_key():
    from keras_gen.export.converters import ONNX_OPSET

    return dict(EXPORT_OPTIONS, opset=ONNX_OPSET, manifest=MANIFEST_VERSION)


def _read_manifest(export_dir):
    try:
        with open(os.path.join(export_dir, MANIFEST)) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return {}
    return manifest if manifest.get("version") == MANIFEST_VERSION else {}


def model_hash(run_dir, manifest=None):
    """sha256 of `RUN/model.keras`, reusing the manifest's when size and mtime are unchanged."""
    path = os.path.join(run_dir, "model.keras")
    stat = os.stat(path)
    stamp = [stat.st_size, stat.st_mtime_ns]
    if manifest and manifest.get("model_stat") == stamp and manifest.get("model_hash"):
        return manifest["model_hash"], stamp
    return file_digest(path), stamp


def _reusable(export_dir, name, record, digest):
    """Whether artifact `name` in `export_dir` came from `digest` with the demo's options."""
    path = os.path.join(export_dir, name)
    if not os.path.isfile(path):
        return False
    if record and record.get("model_hash") == digest and record.get("options") == _options_key():
        return True
    from keras_gen.export import read_sidecar
    from keras_gen.export.converters import ONNX_OPSET

    try:  # an artifact written by `keras-gen export RUN` with the same options
        sidecar = read_sidecar(path)
    except (ValueError, OSError):
        return False
    return (sidecar.get("source", {}).get("hash", {}).get("value") == digest
            and sidecar.get("format") == "onnx" and sidecar.get("quantize") == "none"
            and sidecar.get("batch") == "dynamic" and sidecar.get("opset") == ONNX_OPSET)


def _export(run_dir, digest, previous, log):
    """Exports the missing or stale artifacts of one run; returns the new manifest's entries."""
    from keras_gen.export import export_model
    from keras_gen.export import export_part
    from keras_gen.models import load_model

    export_dir = os.path.join(run_dir, "export")
    model = load_model(os.path.join(run_dir, "model.keras"), compile=False)
    model_class = type(model).__name__
    if not hasattr(model, "export_parts"):
        raise ValueError(f"Expected a keras-gen model with export_parts(). Received: {model_class} in {run_dir}")
    os.makedirs(export_dir, exist_ok=True)
    parts = {}
    old = previous.get("parts") or {}

    def entry(name):
        return {"file": f"{name}.onnx", "model_hash": digest, "options": _options_key()}

    def fresh(name):
        if _reusable(export_dir, f"{name}.onnx", old.get(name), digest):
            log(f"  {name}: up to date")
            return True
        return False

    stale = [part for part in model.export_parts() if not fresh(part)]
    if stale:
        log(f"  exporting {', '.join(stale)} of {os.path.basename(run_dir)} to ONNX")
        # One call: the run's model.keras is read once for all its parts.
        export_model(run_dir, formats=("onnx",), parts=stale, batch="dynamic", output=export_dir)
    parts.update({part: entry(part) for part in model.export_parts()})
    stack = []
    rbms = list(getattr(model, "rbms", None) or [model])
    # Plain RBMs only: a ClassificationRBM or replicated-softmax layer has no
    # image-like visible means.
    if all(type(rbm).__name__ == "RBM" for rbm in rbms):
        # One (features, visible) artifact pair per RBM of the stack, for
        # Gibbs sampling through the whole model; a lone RBM reuses its features.
        for index, rbm in enumerate(rbms):
            names = ("features", "visible") if len(rbms) == 1 else (f"layer{index}_features", f"layer{index}_visible")
            derived = [(names[0], rbm, "features")] if names[0] not in parts else []
            for name, target, part in derived + [(names[1], _visible_means(rbm), "visible")]:
                if not fresh(name):
                    log(f"  exporting layer {index} {part} of {os.path.basename(run_dir)} to ONNX")
                    export_part(target, part, format="onnx", batch="dynamic",
                                output=os.path.join(export_dir, f"{name}.onnx"))
                parts[name] = entry(name)
            stack.append(list(names))
    return model_class, parts, stack


def _fresh_manifest(run_dir):
    """The manifest of `run_dir` if every artifact matches `model.keras`, else None."""
    export_dir = os.path.join(run_dir, "export")
    manifest = _read_manifest(export_dir)
    if not manifest.get("parts"):
        return None
    # The content decides, not the stamp: an installed preset has new mtimes
    # (the stamp only spares hashing an unchanged file again).
    digest, _ = model_hash(run_dir, manifest)
    fresh = (manifest.get("model_hash") == digest
             and all(entry.get("model_hash") == digest and entry.get("options") == _options_key()
                     and os.path.isfile(os.path.join(export_dir, entry["file"]))
                     for entry in manifest["parts"].values()))
    return manifest if fresh else None


def _check_run(run_dir):
    run_dir = os.path.abspath(os.fspath(run_dir))
    if not os.path.isfile(os.path.join(run_dir, "model.keras")):
        raise ValueError(f"Expected a run folder with model.keras. Received: run={run_dir!r}")
    return run_dir


def export_runs(run_dirs, log=print):
    """Exports the artifacts of the run folders that are missing or stale.

    The converters need TensorFlow: on JAX or torch all the exports run in
    one TensorFlow-backend process (one TensorFlow start, not one per part).
    """
    from keras_gen.utils import atomic_path

    stale = [run for run in map(_check_run, run_dirs) if _fresh_manifest(run) is None]
    if not stale:
        return
    # Keras (and its backend) only when something must be exported: serving
    # fresh artifacts, e.g. the presets', needs ONNX Runtime alone.
    import keras

    if keras.backend.backend() != "tensorflow":
        log(f"exporting {len(stale)} run(s) under the TensorFlow backend")
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        path = os.pathsep.join([root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
        completed = subprocess.run([sys.executable, "-m", "keras_gen.apps.runs", *stale],
                                   env=dict(os.environ, KERAS_BACKEND="tensorflow", PYTHONPATH=path))
        if completed.returncode != 0:
            raise ValueError(f"Export under the TensorFlow backend failed for {stale}")
        return
    for run_dir in stale:
        export_dir = os.path.join(run_dir, "export")
        previous = _read_manifest(export_dir)
        digest, stamp = model_hash(run_dir, previous)
        model_class, parts, stack = _export(run_dir, digest, previous, log)
        manifest = {"version": MANIFEST_VERSION, "model_hash": digest, "model_stat": stamp,
                    "model_class": model_class, "parts": parts, "stack": stack}
        with atomic_path(os.path.join(export_dir, MANIFEST)) as tmp:
            with open(tmp, "w") as handle:
                json.dump(manifest, handle, indent=2, sort_keys=True)


def prepare_run(run_dir, log=print):
    """Exports (if needed) and loads the artifacts of one run folder.

    Args:
        run_dir: a folder with `model.keras` (and `run.json` from `keras-gen train`).
        log: where progress lines go.

    Returns:
        A `RunBundle`.
    """
    run_dir = _check_run(run_dir)
    record = {}
    if os.path.isfile(os.path.join(run_dir, "run.json")):
        with open(os.path.join(run_dir, "run.json")) as handle:
            record = json.load(handle)
    export_runs([run_dir], log)
    manifest = _fresh_manifest(run_dir)
    export_dir = os.path.join(run_dir, "export")
    artifacts = {part: Artifact(os.path.join(export_dir, entry["file"])) for part, entry in manifest["parts"].items()}
    return RunBundle(run_dir, record, manifest["model_class"], artifacts, {"stack": manifest.get("stack", [])})


if __name__ == "__main__":  # the TensorFlow-side of `export_runs`
    export_runs(sys.argv[1:])
