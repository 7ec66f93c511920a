"""Run folders → exported artifacts the apps serve.

A run folder (from `keras-gen train`, or one of the embedded defaults) holds
`model.keras` and `run.json`. The apps never call the Keras model per
request: each part from `export_parts()` is exported once to ONNX with
`keras_gen.export` into `RUN/export/`, and served with ONNX Runtime. A
manifest (`RUN/export/apps.json`) records the hash of the `.keras` file the
artifacts came from, so a retrained model is re-exported and an unchanged
one starts instantly.
"""

import hashlib
import json
import os
import subprocess
import sys
import threading

import numpy as np

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
}
MANIFEST = "keras_gen.apps.json"
MANIFEST_VERSION = 3


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


def file_hash(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        self.runner = load_runner(path)
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


class RunBundle:
    """A run folder ready to serve: its record, family and loaded artifacts.

    `extras["stack"]` lists, bottom up, the `(features, visible)` artifact
    names of each RBM of an RBM or DBN (empty for other models).
    """

    def __init__(self, path, record, model_class, artifacts, extras=None):
        self.path = path
        self.name = record.get("title") or os.path.basename(os.path.normpath(path))
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


class _VisibleMeans:
    """h → mean of p(v | h) of an RBM as an exportable part, for step-by-step
    Gibbs completion with two artifacts (the RBM exports only v → p(h | v))."""

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


def _export(run_dir, model_path, export_dir, log):
    from keras_gen.export import export_part
    from keras_gen.models import load_model

    model = load_model(model_path, compile=False)
    model_class = type(model).__name__
    if not hasattr(model, "export_parts"):
        raise ValueError(f"Expected a keras-gen model with export_parts(). Received: {model_class} in {run_dir}")
    part_names = list(model.export_parts())
    os.makedirs(export_dir, exist_ok=True)
    parts = {}
    for part in part_names:
        log(f"  exporting {part} of {os.path.basename(run_dir)} to ONNX")
        result = export_part(run_dir, part, format="onnx", batch="dynamic",
                             output=os.path.join(export_dir, f"{part}.onnx"))
        parts[part] = os.path.basename(result["artifact"])
    stack = []
    rbms = list(getattr(model, "rbms", None) or [model])
    # Plain RBMs only: a ClassificationRBM or replicated-softmax layer has no
    # image-like visible means.
    if all(type(rbm).__name__ == "RBM" for rbm in rbms):
        # One (features, visible) artifact pair per RBM of the stack, for
        # Gibbs sampling through the whole model; a lone RBM reuses its features.
        for index, rbm in enumerate(rbms):
            names = ("features", "visible") if len(rbms) == 1 else (f"layer{index}_features", f"layer{index}_visible")
            log(f"  exporting layer {index} of {os.path.basename(run_dir)} for Gibbs sampling")
            if names[0] not in parts:
                result = export_part(rbm, "features", format="onnx", batch="dynamic",
                                     output=os.path.join(export_dir, f"{names[0]}.onnx"))
                parts[names[0]] = os.path.basename(result["artifact"])
            result = export_part(_VisibleMeans(rbm), "visible", format="onnx", batch="dynamic",
                                 output=os.path.join(export_dir, f"{names[1]}.onnx"))
            parts[names[1]] = os.path.basename(result["artifact"])
            stack.append(list(names))
    return model_class, parts, stack


def _fresh_manifest(run_dir):
    """The manifest of `run_dir` if its artifacts match `model.keras`, else None."""
    export_dir = os.path.join(run_dir, "export")
    manifest_path = os.path.join(export_dir, MANIFEST)
    if not os.path.isfile(manifest_path):
        return None
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    fresh = (
        manifest.get("version") == MANIFEST_VERSION
        and manifest.get("model_hash") == file_hash(os.path.join(run_dir, "model.keras"))
        and all(os.path.isfile(os.path.join(export_dir, name)) for name in manifest["parts"].values())
    )
    return manifest if fresh else None


def _check_run(run_dir):
    run_dir = os.path.abspath(os.fspath(run_dir))
    if not os.path.isfile(os.path.join(run_dir, "model.keras")):
        raise ValueError(f"Expected a run folder with model.keras. Received: run={run_dir!r}")
    return run_dir


def export_runs(run_dirs, log=print):
    """Exports the run folders whose artifacts are missing or stale.

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
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        path = os.pathsep.join([root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
        completed = subprocess.run([sys.executable, "-m", "keras_gen.apps.runs", *stale],
                                   env=dict(os.environ, KERAS_BACKEND="tensorflow", PYTHONPATH=path))
        if completed.returncode != 0:
            raise ValueError(f"Export under the TensorFlow backend failed for {stale}")
        return
    for run_dir in stale:
        model_class, parts, stack = _export(run_dir, os.path.join(run_dir, "model.keras"),
                                            os.path.join(run_dir, "export"), log)
        manifest = {"version": MANIFEST_VERSION, "model_hash": file_hash(os.path.join(run_dir, "model.keras")),
                    "model_class": model_class, "parts": parts, "stack": stack}
        with atomic_path(os.path.join(run_dir, "export", MANIFEST)) as tmp:
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
    artifacts = {part: Artifact(os.path.join(export_dir, name)) for part, name in manifest["parts"].items()}
    return RunBundle(run_dir, record, manifest["model_class"], artifacts, {"stack": manifest.get("stack", [])})


if __name__ == "__main__":  # the TensorFlow-side of `export_runs`
    export_runs(sys.argv[1:])
