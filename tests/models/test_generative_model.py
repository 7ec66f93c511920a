"""The contract every public keras-gen model keeps (`keras_gen.models.GenerativeModel`).

Each public model class, tiny and compiled, its seed generators advanced:
the verbs it has return NumPy of the right shape, the ones it lacks raise
`NotImplementedError`, a `.keras` round trip gives identical outputs and
seed state, and `export_parts()` returns functional Keras models. (That
training continues after a round trip is checked in each family's tests,
with the same `assert_round_trip`; here no model trains, to stay fast.)
"""

import warnings

import keras
import numpy as np
import pytest

from keras_gen import models
from keras_gen.models import GenerativeModel
from keras_gen.models.generative_model import VERBS
from keras_gen.utils.seed_state import SavesSeedState
from keras_gen.utils.seed_state import owned_seed_generators
from tests.helpers import assert_round_trip

RNG = np.random.default_rng(0)
BINARY = (RNG.random((16, 12)) > 0.5).astype("float32")
COUNTS = RNG.poisson(1.0, (16, 12)).astype("float32")
SIGNED = RNG.uniform(-1, 1, (16, 12)).astype("float32")
IMAGES_8 = RNG.uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
IMAGES_16 = RNG.uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
LABELS = np.arange(16) % 3
LATENT_2 = RNG.standard_normal((3, 2)).astype("float32")
LATENT_4 = RNG.standard_normal((3, 4)).astype("float32")
MAPS_16 = np.random.default_rng(7).integers(0, 11, (2, 3, 16, 16)).astype("int32")  # Vid2Vid label-map videos

# DBN.generate(count) is the deprecated alias of `sample` (issue 16); it is
# no `generate(latents)` and is not checked as one.
LEGACY_VERBS = {("DBN", "generate")}


def _gan(latent_dim=2):
    generator = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(12, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((12,)), keras.layers.Dense(1)])
    return models.GAN(generator, discriminator, latent_dim=latent_dim, seed=0)


def _autoencoder(cls, **options):
    return lambda: cls.dense((12,), code_dim=3, hidden_units=(6,), seed=0, **options)


_AUTOENCODER_VERBS = {
    "encode": ((BINARY[:5],), {}, (5, 3)),
    "decode": ((np.zeros((5, 3), "float32"),), {}, (5, 12)),
    "reconstruct": ((BINARY[:5],), {}, (5, 12)),
}
_BOLTZMANN_VERBS = {
    "sample": ((3,), {"seed": 1, "gibbs_steps": 2}, (3, 12)),
    "transform": ((BINARY[:5],), {}, (5, 4)),
    "reconstruct": ((BINARY[:5],), {}, (5, 12)),
}

# class name -> (factory, compile keyword arguments, training data, {verb: (args, kwargs, shape)});
# the data's shape builds the models that build on their first batch.
CASES = {
    "RBM": (lambda: models.RBM(4, seed=0), {}, (BINARY,), _BOLTZMANN_VERBS),
    "ClassificationRBM": (
        lambda: models.ClassificationRBM(4, num_classes=3, seed=0), {}, (BINARY, LABELS),
        {**_BOLTZMANN_VERBS, "sample": ((3,), {"seed": 1, "gibbs_steps": 2, "labels": [0, 1, 2]}, (3, 12))},
    ),
    "ReplicatedSoftmaxRBM": (
        lambda: models.ReplicatedSoftmaxRBM(4, document_length=10, seed=0), {}, (COUNTS,),
        {"sample": ((3,), {"seed": 1, "gibbs_steps": 2}, (3, 12)),
         "transform": ((COUNTS[:5],), {}, (5, 4)), "reconstruct": ((COUNTS[:5],), {}, (5, 12))},
    ),
    "DBN": (lambda: models.DBN([6, 4], seed=0), {}, (BINARY,),
            {"sample": ((3,), {"seed": 1, "gibbs_steps": 2}, (3, 12)), "transform": ((BINARY[:5],), {}, (5, 4))}),
    "DBM": (
        lambda: models.DBM((6, 4), persistent_chains=4, seed=0), {}, (BINARY,),
        {"sample": ((3,), {"seed": 1, "gibbs_steps": 2}, (3, 12)),
         "transform": ((BINARY[:5],), {}, (5, 4))},
    ),
    "Autoencoder": (_autoencoder(models.Autoencoder), {"optimizer": "adam"}, (BINARY,), _AUTOENCODER_VERBS),
    "DenoisingAutoencoder": (_autoencoder(models.DenoisingAutoencoder), {"optimizer": "adam"}, (BINARY,),
                             _AUTOENCODER_VERBS),
    "SparseAutoencoder": (_autoencoder(models.SparseAutoencoder), {"optimizer": "adam"}, (BINARY,),
                          _AUTOENCODER_VERBS),
    "ContractiveAutoencoder": (_autoencoder(models.ContractiveAutoencoder), {"optimizer": "adam"},
                               (BINARY,), _AUTOENCODER_VERBS),
    "StochasticAutoencoder": (_autoencoder(models.StochasticAutoencoder), {"optimizer": "adam"},
                              (BINARY,), _AUTOENCODER_VERBS),
    "StackedAutoencoder": (lambda: models.StackedAutoencoder(12, layer_sizes=(6, 3), seed=0),
                           {"optimizer": "adam"}, (BINARY,), _AUTOENCODER_VERBS),
    "VAE": (
        lambda: models.VAE.dense((12,), latent_dim=2, hidden_units=(6,), seed=0), {"optimizer": "adam"},
        (BINARY,),
        {"sample": ((3,), {"seed": 1}, (3, 12)), "generate": ((LATENT_2,), {}, (3, 12)),
         "encode": ((BINARY[:5],), {}, (5, 2)), "decode": ((LATENT_2,), {}, (3, 12)),
         "reconstruct": ((BINARY[:5],), {}, (5, 12))},
    ),
    "GAN": (_gan, {}, (SIGNED,),
            {"sample": ((3,), {"seed": 1}, (3, 12)), "generate": ((LATENT_2,), {}, (3, 12))}),
    "DCGAN": (
        lambda: models.DCGAN((8, 8, 1), latent_dim=4, base_filters=2, seed=0), {}, (IMAGES_8,),
        {"sample": ((3,), {"seed": 1}, (3, 8, 8, 1)), "generate": ((LATENT_4,), {}, (3, 8, 8, 1))},
    ),
    "ConditionalGAN": (
        lambda: models.ConditionalGAN.dcgan((8, 8, 1), num_classes=3, latent_dim=4, base_filters=2, seed=0),
        {}, (IMAGES_8, LABELS[:4]),
        {"sample": ((3,), {"seed": 1, "labels": [0, 1, 2]}, (3, 8, 8, 1)),
         "generate": ((LATENT_4,), {"labels": [2, 1, 0]}, (3, 8, 8, 1))},
    ),
    "Pix2Pix": (
        lambda: models.Pix2Pix(image_size=16, generator_filters=2, discriminator_filters=2), {},
        (IMAGES_16, IMAGES_16), {"translate": ((IMAGES_16,), {}, (2, 16, 16, 3))},
    ),
    "Vid2Vid": (
        lambda: models.Vid2Vid(image_size=16, history_frames=1, temporal_frames=2,
                               generator_filters=2, generator_blocks=0, discriminator_filters=2,
                               discriminator_scales=1), {},
        (MAPS_16,), {"translate": ((MAPS_16,), {}, (2, 3, 16, 16, 1))},
    ),
    "CycleGAN": (
        lambda: models.CycleGAN(image_size=16, generator_filters=2, discriminator_filters=2,
                                residual_blocks=1, pool_size=2, seed=0), {},
        (IMAGES_16, -IMAGES_16), {"translate": ((IMAGES_16,), {"direction": "b_to_a"}, (2, 16, 16, 3))},
    ),
}


def _public_classes():
    from keras_gen.models import _FAMILIES

    return sorted(name for names in _FAMILIES.values() for name in names)


def test_every_public_model_has_a_case():
    assert sorted(CASES) == _public_classes()
    for name in _public_classes():
        assert issubclass(getattr(models, name), GenerativeModel), name


def _ready(name):
    factory, compile_options, data, _ = CASES[name]
    model = factory()
    if not model.built:
        model.build((None,) + data[0].shape[1:])
    model.compile(**compile_options)
    if not model.optimizer.built and getattr(model, "rbms", None) is None:
        # As a first fit would (a DBN's optimizer is only a template for its layers').
        model.optimizer.build(model.trainable_variables)
    # Drawn-from generators: a fresh model's state would pass a round trip
    # that saves none.
    for layer in model._flatten_layers(include_self=True):
        for generator in owned_seed_generators(layer) if isinstance(layer, SavesSeedState) else ():
            generator.next()
    return model


def _call(model, verb, args, kwargs):
    return getattr(model, verb)(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_model_keeps_the_contract(name, tmp_path):
    model = _ready(name)
    cls = type(model)
    verbs = CASES[name][3]
    claimed = {verb for verb in cls.supported_verbs() if (name, verb) not in LEGACY_VERBS}
    assert claimed == set(verbs)
    for verb, (args, kwargs, shape) in verbs.items():
        result = _call(model, verb, args, kwargs)
        assert isinstance(result, np.ndarray), (verb, type(result))
        assert result.shape == shape, verb
        assert np.isfinite(result).all(), verb
    for verb in sorted(VERBS):
        if getattr(cls, verb) is not getattr(GenerativeModel, verb):
            continue  # one of its verbs, or a deprecated alias
        with pytest.raises(NotImplementedError, match=f"{name} has no `{verb}`"):
            getattr(model, verb)(BINARY)

    outputs = {verb: (lambda m, v=verb, a=args, k=kwargs: _call(m, v, a, k))
               for verb, (args, kwargs, _) in verbs.items()}
    if "sample" in verbs:
        # Without a seed the draw comes from the model's SeedGenerator: equal
        # only if its state survived the round trip.
        args, kwargs, _ = verbs["sample"]
        unseeded = {key: value for key, value in kwargs.items() if key != "seed"}
        outputs["sample from the model's generator"] = lambda m: m.sample(*args, **unseeded)
    assert_round_trip(model, tmp_path / "model.keras", outputs)

    parts = model.export_parts()
    assert isinstance(parts, dict) and parts
    for part, (network, metadata) in parts.items():
        assert isinstance(network, keras.Model) and network.inputs, part
        assert set(metadata["inputs"]) <= {tensor.name for tensor in network.inputs}, part


def test_base_class_names_the_missing_pieces():
    class Bare(GenerativeModel):
        pass

    with pytest.raises(NotImplementedError, match="Bare must implement export_parts"):
        Bare().export_parts()
    with pytest.raises(NotImplementedError, match="Bare has no `sample`.*Its verbs: none"):
        Bare().sample(3)


def test_old_argument_orders_warn_and_still_work():
    rbm = _ready("RBM")
    with pytest.warns(DeprecationWarning, match=r"RBM.sample with gibbs_steps passed by position"):
        old = rbm.sample(3, 2, seed=5)  # the old order (count, gibbs_steps, seed)
    np.testing.assert_array_equal(old, rbm.sample(3, 5, gibbs_steps=2))
    with pytest.raises(TypeError, match=r"Use RBM.sample\(\.\.\., seed, batch_size, gibbs_steps=\.\.\.\)"):
        rbm.sample(3, 2, seed=5, gibbs_steps=4)  # gibbs_steps twice

    gan = models.ConditionalGAN.dcgan((8, 8, 1), num_classes=3, latent_dim=4, base_filters=2)
    with pytest.warns(DeprecationWarning, match="ConditionalGAN.generate with labels"):
        old = gan.generate(LATENT_4, [0, 1, 2])
    np.testing.assert_array_equal(old, gan.generate(LATENT_4, labels=[0, 1, 2]))
    with pytest.warns(DeprecationWarning, match="ConditionalGAN.sample with labels"):
        assert gan.sample(3, [0, 1, 2]).shape == (3, 8, 8, 1)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "(?s).*keras-gen", DeprecationWarning)
        assert gan.sample(3, 7, 2, labels=[0, 1, 2]).shape == (3, 8, 8, 1)  # the new order

    cyclegan = models.CycleGAN(image_size=16, generator_filters=2, discriminator_filters=2,
                               residual_blocks=1)
    with pytest.warns(DeprecationWarning, match="CycleGAN.translate with direction"):
        old = cyclegan.translate(IMAGES_16, "b_to_a")
    np.testing.assert_array_equal(old, cyclegan.translate(IMAGES_16, direction="b_to_a"))
    with pytest.warns(DeprecationWarning, match=r"use CycleGAN.cycle"):
        old = cyclegan.reconstruct(IMAGES_16, "b_to_a")
    np.testing.assert_array_equal(old, cyclegan.cycle(IMAGES_16, direction="b_to_a"))
    # An autoencoding reconstruct(images, batch_size) makes no sense for a cycle.
    with pytest.raises(TypeError, match=r"use CycleGAN.cycle\(images"):
        cyclegan.reconstruct(IMAGES_16, 8)
    assert "reconstruct" not in type(cyclegan).supported_verbs()

    pix2pix = models.Pix2Pix(image_size=16, generator_filters=2, discriminator_filters=2)
    with pytest.warns(DeprecationWarning, match="Pix2Pix.translate with batch_size, noise"):
        assert pix2pix.translate(IMAGES_16, 1, False).shape == (2, 16, 16, 3)


def test_verbs_check_their_inputs():
    vae = models.VAE.dense((12,), latent_dim=2, hidden_units=(6,))
    with pytest.raises(ValueError, match=r"Expected `z` to hold samples of shape \(2,\)"):
        vae.decode(np.zeros((3, 5), "float32"))
    with pytest.raises(ValueError, match="Expected `seed` to be an integer >= 0. Received: seed=-1"):
        vae.sample(3, seed=-1)
    with pytest.raises(ValueError, match="Expected `batch_size`"):
        vae.encode(BINARY, batch_size=0)
    gan = _gan()
    with pytest.raises(ValueError, match=r"Expected `noise` to hold samples of shape \(2,\)"):
        gan.generate(np.zeros((3, 4), "float32"))


def test_fit_checks_validation_data_once_and_evaluate_checks_its_own():
    vae = models.VAE.dense((12,), latent_dim=2, hidden_units=(6,))
    vae.compile(optimizer="adam")
    calls = []
    check = vae.check_fit_data

    def counting(x, y, kwargs):
        calls.append(len(x))
        return check(x, y, kwargs)

    vae.check_fit_data = counting
    # fit's validation pass reuses the data fit checked, not once per epoch.
    vae.fit(BINARY, validation_data=(BINARY[:2],), batch_size=2, epochs=3, verbose=0)
    assert calls == [len(BINARY)]
    bad = BINARY[:2].copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"Expected `x` to hold finite values. Received: x"):
        vae.evaluate(bad, verbose=0)
    with pytest.raises(ValueError, match=r"Expected `x` to hold finite values"):
        vae.fit(BINARY, validation_data=(bad,), epochs=1, verbose=0)
