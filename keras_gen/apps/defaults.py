"""The embedded default: small models trained on first run, then cached.

`keras-gen demo` with no run folders must work on a fresh machine with no
download. The first launch trains a DCGAN, a conditional DCGAN, a VAE, an RBM and
a DBN on scikit-learn's embedded 8x8 digits (Keras progress bars; a
few minutes on a laptop CPU), and a small Pix2Pix and CycleGAN on the
facades when the shared data folder is there. Each is written as an ordinary run folder
(`model.keras` + `run.json`) into the cache, then exported like any user
run. Later launches reuse the cache.

Why train rather than ship weights: the `.keras` format and the export
sidecar are still moving, and weights committed to the repository would go
stale silently; training from the public API on first run always matches
the installed keras-gen. The cache key holds the keras-gen version and a
hash of the recipes below, so a change retrains.

Cache folder: `$KERAS_GEN_CACHE/demo` (default `~/.cache/keras-gen/demo`).
"""

import hashlib
import json
import os
import shutil
import tempfile

import numpy as np

__all__ = ["RECIPES", "cache_dir", "data_dir", "default_runs", "train_default"]

# epochs / sizes per recipe; "quick" variants keep the test suite fast.
RECIPES = {
    "dcgan": {"title": "DCGAN (digits)", "model": "dcgan", "side": 16, "latent_dim": 16,
              "base_filters": 16, "epochs": 30, "quick_epochs": 1},
    "cgan": {"title": "Conditional GAN (digits)", "model": "cgan", "side": 16, "latent_dim": 16,
             "base_filters": 16, "epochs": 30, "quick_epochs": 1},
    "vae": {"title": "VAE (digits)", "model": "vae", "latent_dim": 2, "hidden_units": [128, 64],
            "epochs": 60, "quick_epochs": 1},
    "rbm": {"title": "RBM (digits)", "model": "rbm", "hidden_units": 64, "epochs": 40,
            "quick_epochs": 1},
    "dbn": {"title": "DBN (digits)", "model": "dbn", "layers": [64, 32], "epochs": 30,
            "quick_epochs": 1},
    "pix2pix": {"title": "Pix2Pix (facades)", "model": "pix2pix", "side": 64, "filters": 16,
                "epochs": 4, "quick_epochs": 1, "limit": 400, "quick_limit": 8, "quick_side": 32},
    "cyclegan": {"title": "CycleGAN (facades, unpaired)", "model": "cyclegan", "side": 64, "filters": 8,
                 "residual_blocks": 3, "epochs": 4, "quick_epochs": 1, "limit": 200, "quick_limit": 4,
                 "quick_side": 32},
}
# Recipes that need the shared facades data.
FACADES = ("pix2pix", "cyclegan")
RECIPE_VERSION = 1


def cache_dir():
    """`$KERAS_GEN_CACHE/demo`, default `~/.cache/keras-gen/demo`."""
    root = os.environ.get("KERAS_GEN_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "keras-gen")
    return os.path.join(root, "demo")


def data_dir():
    """The shared real-data folder (`$KERAS_GEN_DATA`, else `../shared/data`), or None."""
    candidates = [os.environ.get("KERAS_GEN_DATA")]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(here, "..", "shared", "data"))
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "facades_128.npz")):
            return os.path.abspath(folder)
    return None


def _folder(root, name, quick):
    """Each recipe's own cache folder: changing one recipe retrains only that model."""
    from keras_gen import __version__

    text = json.dumps([RECIPES[name], RECIPE_VERSION, __version__, bool(quick)], sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return os.path.join(root, f"{name}-{'quick-' if quick else ''}{digest}")


def _digits(side=None):
    from keras_gen.data import load_dataset

    x, y = load_dataset("digits", split="all", scale="unit")
    if side and side != x.shape[1]:
        from PIL import Image

        x = np.stack([
            np.asarray(Image.fromarray(image[..., 0]).resize((side, side), Image.BILINEAR))
            for image in x
        ])[..., None]
    return x.astype("float32"), y.astype("int32")


def _fit(model, x, y, recipe, quick, batch_size):
    epochs = recipe["quick_epochs"] if quick else recipe["epochs"]
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=1)


def _train(name, recipe, quick):
    import keras

    keras.utils.set_random_seed(0)
    extra = {}
    if name in ("dcgan", "cgan"):
        from keras_gen.models.gan import ConditionalGAN
        from keras_gen.models.gan import DCGAN

        x, y = _digits(recipe["side"])
        x = x * 2.0 - 1.0
        shape = x.shape[1:]
        if name == "dcgan":
            model = DCGAN(shape, latent_dim=recipe["latent_dim"], base_filters=recipe["base_filters"], seed=0)
            labels = None
        else:
            model = ConditionalGAN.dcgan(shape, 10, latent_dim=recipe["latent_dim"],
                                         base_filters=recipe["base_filters"], seed=0)
            labels = y
        model.compile()
        _fit(model, x, labels, recipe, quick, 64)
        extra["image_shape"] = list(shape)
    elif name == "vae":
        from keras_gen.models.vae import VAE

        x, _ = _digits()
        x = x.reshape(len(x), -1)
        model = VAE.dense((64,), latent_dim=recipe["latent_dim"], hidden_units=tuple(recipe["hidden_units"]), binarize=True,
                          seed=0)
        model.compile(optimizer=keras.optimizers.Adam(2e-3))
        _fit(model, x, None, recipe, quick, 64)
        extra["image_shape"] = [8, 8, 1]
    elif name == "rbm":
        from keras_gen.models.rbm import RBM

        x, _ = _digits()
        x = (x.reshape(len(x), -1) > 0.5).astype("float32")
        model = RBM(hidden_units=recipe["hidden_units"], persistent=True, seed=0)
        model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5))
        _fit(model, x, None, recipe, quick, 20)
        extra["image_shape"] = [8, 8, 1]
    elif name == "dbn":
        from keras_gen.models.dbn import DBN

        x, _ = _digits()
        x = (x.reshape(len(x), -1) > 0.5).astype("float32")
        model = DBN(recipe["layers"], persistent=True, seed=0)
        model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5))
        _fit(model, x, None, recipe, quick, 20)
        extra["image_shape"] = [8, 8, 1]
    elif name == "pix2pix":
        from keras_gen.data import load_paired
        from keras_gen.data import resize_images
        from keras_gen.models.pix2pix import Pix2Pix

        limit = recipe["quick_limit"] if quick else recipe["limit"]
        path = os.path.join(data_dir(), "facades_128.npz")
        (x, y), _ = load_paired(path, limit=limit)
        side = recipe["quick_side"] if quick else recipe["side"]
        x, y = resize_images(x, (side, side)), resize_images(y, (side, side))
        model = Pix2Pix(image_size=side, generator_filters=recipe["filters"],
                        discriminator_filters=recipe["filters"])
        model.compile()
        _fit(model, x, y, recipe, quick, 4)
        extra["data"] = path
    elif name == "cyclegan":
        from keras_gen.data import load_unpaired
        from keras_gen.data import resize_images
        from keras_gen.models.cyclegan import CycleGAN

        limit = recipe["quick_limit"] if quick else recipe["limit"]
        path = os.path.join(data_dir(), "cyclegan_facades_128.npz")
        (a, b), _ = load_unpaired(path, limit=limit)
        side = recipe["quick_side"] if quick else recipe["side"]
        a, b = resize_images(a, (side, side)), resize_images(b, (side, side))
        model = CycleGAN(image_size=side, generator_filters=recipe["filters"],
                         discriminator_filters=recipe["filters"],
                         residual_blocks=recipe["residual_blocks"], seed=0)
        model.compile()
        _fit(model, a, b, recipe, quick, 1)
        extra["data"] = path
    else:
        raise ValueError(f"Expected one of {sorted(RECIPES)}. Received: name={name!r}")
    return model, extra


def train_default(name, folder, quick=False):
    """Trains one default model into the run folder `folder` (complete or not at all).

    Returns:
        `folder`.
    """
    import keras

    from keras_gen import __version__

    recipe = RECIPES[name]
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{name}-", dir=parent)
    try:
        model, extra = _train(name, recipe, quick)
        model.save(os.path.join(staging, "model.keras"))
        record = {
            "model": recipe["model"], "title": recipe["title"], "backend": keras.backend.backend(),
            "keras_gen_version": __version__, "recipe": recipe, "quick": bool(quick),
            "args": {"data": extra.pop("data", "digits")},
        }
        record.update(extra)
        with open(os.path.join(staging, "run.json"), "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.rename(staging, folder)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)
    keras.backend.clear_session()
    return folder


def default_runs(quick=False, names=None, log=print, root=None):
    """Run folders of the embedded default models, training missing ones.

    Args:
        quick: one epoch each (tests); the cache keeps them apart.
        names: recipes to use (default all; Pix2Pix and CycleGAN only with the
            shared data).
        log: where progress lines go.
        root: cache folder (default `cache_dir()`).

    Returns:
        `(run_dirs, notes)`: the run folders, and messages for families
        that have no model (e.g. image-to-image without the facades data).
    """
    names = list(names or RECIPES)
    notes = {}
    if data_dir() is None and set(FACADES) & set(names):
        names = [name for name in names if name not in FACADES]
        notes["image_to_image"] = (
            "No image-to-image model: the facades data was not found (set KERAS_GEN_DATA to the "
            "folder holding facades_128.npz), and none was given. Train one with "
            "`keras-gen train pix2pix --data PATH/facades_128.npz --output runs/pix2pix` and run "
            "`keras-gen demo runs/pix2pix`."
        )
    runs = [_folder(root or cache_dir(), name, quick) for name in names]
    missing = [(name, run) for name, run in zip(names, runs)
               if not os.path.isfile(os.path.join(run, "model.keras"))]
    for index, (name, run) in enumerate(missing, 1):
        log(f"[{index}/{len(missing)}] training the default {RECIPES[name]['title']} "
            f"(first run only; cached in {run})")
        train_default(name, run, quick=quick)
    return runs, notes
