"""The default demo models: the presets shipped with keras-gen.

`keras-gen demo` with no run folders serves the shipped presets
(`keras_gen.presets`) from the ONNX artifacts packed with each of them by
`tools/train_presets.py`: nothing is trained or exported at launch, so the
first page is up in seconds on a fresh machine with no download.

A preset's artifacts are served where the package holds them. Should they
not match the installed exporter (an older artifact manifest), the preset
is copied once into `$KERAS_GEN_CACHE/demo` (default
`~/.cache/keras-gen/demo`) and exported there, so the installed package is
never written to.
"""

import json
import os
import shutil

__all__ = ["DEFAULT_PRESETS", "cache_dir", "default_runs"]

# Shipped presets, in tab order: the conditional GAN is the GAN tab's second
# model (`gan2_*` endpoints), the DBN the RBM tab's second (`rbm2_*`).
DEFAULT_PRESETS = ("dcgan_mnist", "cgan_mnist", "dcgan_fashion_mnist", "vae_mnist", "rbm_mnist",
                   "dbn_mnist", "pix2pix_facades")


def cache_dir():
    """`$KERAS_GEN_CACHE/demo`, default `~/.cache/keras-gen/demo`."""
    root = os.environ.get("KERAS_GEN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "keras-gen")
    return os.path.join(root, "demo")


def _artifacts_current(folder):
    from keras_gen.apps.runs import MANIFEST
    from keras_gen.apps.runs import MANIFEST_VERSION

    path = os.path.join(folder, "export", MANIFEST)
    if not os.path.isfile(path):
        return False
    with open(path) as handle:
        return json.load(handle).get("version") == MANIFEST_VERSION


def _servable(name, folder, card, root, log):
    """The preset folder itself, or a cache copy to re-export when its artifacts are out of date."""
    if _artifacts_current(folder):
        return folder
    copy = os.path.join(root or cache_dir(), f"{name}-{card['files']['model.keras']['sha256'][:12]}")
    if not os.path.isfile(os.path.join(copy, "model.keras")):
        log(f"the artifacts of preset {name} predate this keras-gen: exporting a copy in {copy} (once)")
        partial = copy + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(folder, partial, ignore=shutil.ignore_patterns("export"))
        shutil.rmtree(copy, ignore_errors=True)
        os.replace(partial, copy)
    return copy


def default_runs(names=None, log=print, root=None):
    """Run folders of the default demo models: the shipped presets.

    Args:
        names: presets to serve (default `DEFAULT_PRESETS`, those shipped).
        log: where progress lines go.
        root: cache folder for presets whose artifacts must be re-exported
            (default `cache_dir()`).

    Returns:
        `(run_dirs, notes)`: the folders to serve, and per-family messages
        for families that have no model (none when every preset is shipped).
    """
    from keras_gen.presets import list_presets
    from keras_gen.presets import resolve_preset

    shipped = set(list_presets())
    names = [name for name in (names or DEFAULT_PRESETS) if name in shipped]
    runs = []
    for name in names:
        folder, card = resolve_preset(name)  # checks every file against the card
        runs.append(_servable(name, folder, card, root, log))
    return runs, {}
