"""The fuzz tables: every public entry point that takes data, with a good input
and the bad variants that apply to it, and how an outcome is classified.

A new model or verb gets a line in `ENTRY_POINTS`; the bad variants follow
from its good input. `python -m tests.fuzz.summary` prints the counts.
"""

import keras
import numpy as np

# What a call with bad input did.
NAMED = "one-line ValueError naming the argument"
UNNAMED = "ValueError not naming the argument (or several lines)"
SILENT_NAN = "no error: trained into non-finite weights"
SILENT = "no error (nothing non-finite)"
TRACEBACK = "another exception (a raw traceback for the user)"

RNG = np.random.default_rng(0)


def uniform(shape, low=0.0, high=1.0):
    return RNG.uniform(low, high, shape).astype("float32")


def _dense_gan():
    from keras_gen.models.gan import GAN

    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    return GAN(generator, discriminator, latent_dim=3, seed=0)


def _dcgan():
    from keras_gen.models.gan import DCGAN

    return DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=0)


def _cgan():
    from keras_gen.models.gan import ConditionalGAN

    return ConditionalGAN.dcgan((8, 8, 1), num_classes=3, latent_dim=4, base_filters=4, seed=0)


def _ae():
    from keras_gen.models.autoencoders import Autoencoder

    return Autoencoder.dense((6,), code_dim=2, hidden_units=(4,), seed=0)


def _conv_dae():
    from keras_gen.models.autoencoders import DenoisingAutoencoder

    return DenoisingAutoencoder.conv((8, 8, 1), code_dim=2, filters=(4,), seed=0)


def _vae(likelihood="bernoulli"):
    from keras_gen.models.vae import VAE

    def build():
        return VAE.dense((6,), latent_dim=2, hidden_units=(4,), likelihood=likelihood,
                         binarize=likelihood == "bernoulli", seed=0)
    return build


def _rbm():
    from keras_gen.models.rbm import RBM

    model = RBM(hidden_units=3, seed=0)
    model.build((None, 6))
    return model


def _dbn():
    from keras_gen.models.dbn import DBN

    model = DBN([4, 3], seed=0)
    model.build((None, 6))
    return model


def _dbm():
    from keras_gen.models.dbm import DBM

    model = DBM((4, 3), persistent_chains=4, seed=0)
    model.build((None, 6))
    return model


def _pix2pix():
    from keras_gen.models.pix2pix import Pix2Pix

    return Pix2Pix(image_size=8, generator_filters=4, discriminator_filters=4)


def _cyclegan():
    from keras_gen.models.cyclegan import CycleGAN

    return CycleGAN(image_size=8, generator_filters=4, discriminator_filters=4, residual_blocks=1,
                    pool_size=2, seed=0)


def compiled(build):
    def make():
        model = build()
        model.compile()
        return model
    return make


def fit(model, x, y=None):
    return model.fit(x, y, batch_size=2, epochs=1, verbose=0)


def evaluate(model, x, y=None):
    return model.evaluate(x, y, batch_size=2, verbose=0)


def predict(model, x, y=None):
    return model.predict(x, batch_size=2, verbose=0)


def verb(name, second=None, **kwargs):
    """A call of verb `name`; the second argument, if any, goes by keyword `second`."""
    def call(model, x, y=None):
        return getattr(model, name)(x, **kwargs, **({} if y is None else {second: y}))
    call.__name__ = name
    return call


IMAGES_SIGNED = uniform((4, 8, 8, 1), -1, 1)
ROWS_UNIT = uniform((4, 6))
BINARY_ROWS = (ROWS_UNIT > 0.5).astype("float32")
LABELS = np.array([0, 1, 2, 0])
PAIRS_SIGNED = uniform((4, 8, 8, 3), -1, 1)

# name -> (model factory, call, argument name, good input, second argument,
#          value range or None, is an image batch)
ENTRY_POINTS = {
    "GAN.fit": (compiled(_dense_gan), fit, "x", uniform((4, 6), -1, 1), None, (-1, 1), False),
    "GAN.generate": (_dense_gan, verb("generate"), "noise", uniform((4, 3)), None, None, False),
    "DCGAN.fit": (compiled(_dcgan), fit, "x", IMAGES_SIGNED, None, (-1, 1), True),
    "DCGAN.evaluate": (compiled(_dcgan), evaluate, "x", IMAGES_SIGNED, None, (-1, 1), True),
    "DCGAN.generate": (_dcgan, verb("generate"), "noise", uniform((4, 4)), None, None, False),
    "DCGAN.predict": (compiled(_dcgan), predict, "x", uniform((4, 4)), None, None, False),
    "ConditionalGAN.fit": (compiled(_cgan), fit, "x", IMAGES_SIGNED, LABELS, (-1, 1), True),
    "ConditionalGAN.generate": (_cgan, verb("generate", "labels"), "noise", uniform((4, 4)),
                                LABELS, None, False),
    "Autoencoder.fit": (compiled(_ae), fit, "x", ROWS_UNIT, None, (0, 1), False),
    "Autoencoder.evaluate": (compiled(_ae), evaluate, "x", ROWS_UNIT, None, (0, 1), False),
    "Autoencoder.predict": (compiled(_ae), predict, "x", ROWS_UNIT, None, None, False),
    "Autoencoder.encode": (_ae, verb("encode"), "x", ROWS_UNIT, None, None, False),
    "Autoencoder.decode": (_ae, verb("decode"), "codes", uniform((4, 2)), None, None, False),
    "Autoencoder.reconstruct": (_ae, verb("reconstruct"), "x", ROWS_UNIT, None, None, False),
    "DenoisingAutoencoder.fit": (compiled(_conv_dae), fit, "x", uniform((4, 8, 8, 1)), None,
                                 (0, 1), True),
    "VAE.fit": (compiled(_vae()), fit, "x", ROWS_UNIT, None, (0, 1), False),
    "VAE.evaluate": (compiled(_vae()), evaluate, "x", ROWS_UNIT, None, (0, 1), False),
    "VAE.encode": (_vae(), verb("encode"), "x", ROWS_UNIT, None, None, False),
    "VAE.decode": (_vae(), verb("decode"), "z", uniform((4, 2)), None, None, False),
    "VAE.reconstruct": (_vae(), verb("reconstruct"), "x", ROWS_UNIT, None, None, False),
    "GaussianVAE.fit": (compiled(_vae("gaussian")), fit, "x", ROWS_UNIT, None, (-100, 100), False),
    "RBM.fit": (compiled(_rbm), fit, "x", BINARY_ROWS, None, (0, 1), False),
    "RBM.transform": (_rbm, verb("transform"), "x", BINARY_ROWS, None, (0, 1), False),
    "RBM.reconstruct": (_rbm, verb("reconstruct"), "x", BINARY_ROWS, None, (0, 1), False),
    "DBN.fit": (_dbn, fit, "x", BINARY_ROWS, None, (0, 1), False),
    "DBN.transform": (_dbn, verb("transform"), "x", BINARY_ROWS, None, (0, 1), False),
    "DBM.fit": (compiled(_dbm), fit, "x", BINARY_ROWS, None, (0, 1), False),
    "DBM.transform": (_dbm, verb("transform"), "x", BINARY_ROWS, None, (0, 1), False),
    "Pix2Pix.fit": (compiled(_pix2pix), fit, "source", PAIRS_SIGNED, PAIRS_SIGNED, (-1, 1), True),
    "Pix2Pix.translate": (_pix2pix, verb("translate"), "images", PAIRS_SIGNED, None, (-1, 1),
                          True),
    "CycleGAN.fit": (compiled(_cyclegan), fit, "a", PAIRS_SIGNED, PAIRS_SIGNED, (-1, 1), True),
    "CycleGAN.translate": (_cyclegan, verb("translate"), "images", PAIRS_SIGNED, None, (-1, 1),
                           True),
}


def bad_inputs(good, value_range, images):
    """The bad variants of a good input that apply to it."""
    variants = {
        "wrong_shape": good.reshape(len(good), -1)[:, :-1] if good.ndim > 1 else good[:, None],
        "wrong_dtype": good.astype(str),
        "nan": _poke(good, np.nan),
        "inf": _poke(good, np.inf),
        "empty": good[:0],
    }
    if value_range is not None:
        variants["out_of_range"] = good + (value_range[1] - value_range[0]) * 2 + 200.0
    if images:
        variants["wrong_channels"] = np.concatenate([good, good[..., :1]], axis=-1)
    return variants


def _poke(good, value):
    bad = good.copy()
    bad.flat[len(bad.flat) // 2] = value
    return bad


def cases():
    """`(entry point, bad kind)` pairs, one per fuzz case."""
    return [(name, kind) for name, (_, _, _, good, _, value_range, images) in ENTRY_POINTS.items()
            for kind in bad_inputs(good, value_range, images)]


def weights(model):
    return [keras.ops.convert_to_numpy(v) for v in model.weights]


_MODELS = {}


def classify(name, kind):
    """Runs one case; returns `(outcome, detail)`.

    Models are built once per entry point and backend and reused while they
    answer with an error (which must leave them untouched); anything else
    rebuilds them for the next case.
    """
    build, call, argument, good, second, value_range, images = ENTRY_POINTS[name]
    key = (name, keras.backend.backend())
    model = _MODELS.get(key) or build()
    bad = bad_inputs(good, value_range, images)[kind]
    before = weights(model)
    outcome = _run(call, model, bad, second, argument, before)
    if outcome[0] in (NAMED, UNNAMED) and all(
            np.array_equal(a, b) for a, b in zip(before, weights(model))):
        _MODELS[key] = model
    else:
        _MODELS.pop(key, None)
    return outcome


def _run(call, model, bad, second, argument, before):
    try:
        call(model, bad, second)
    except ValueError as error:
        message = str(error)
        named = f"`{argument}`" in message or f"{argument}=" in message or f"{argument} " in message
        return (NAMED if named and "\n" not in message else UNNAMED), message
    except Exception as error:  # noqa: BLE001 - the fuzz reports whatever escapes
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return TRACEBACK, f"{type(error).__name__}: {first}"
    after = weights(model)
    if any(not np.isfinite(w).all() for w in after if np.issubdtype(w.dtype, np.floating)):
        return SILENT_NAN, "weights became non-finite"
    changed = any(not np.array_equal(a, b) for a, b in zip(before, after))
    return SILENT, "trained" if changed else "no change"
