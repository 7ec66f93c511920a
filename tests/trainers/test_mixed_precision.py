"""Mixed precision through the trainers: mixed_bfloat16, and mixed_float16 with
loss scaling, for AdversarialModel (minimize) and a compute_loss model."""

import keras
import numpy as np
import pytest

from keras_gen.trainers import AdversarialModel
from tests.trainers.toy_adversarial import ToyAdversarial
from tests.trainers.toy_adversarial import fixed_problem


@pytest.fixture
def policy(request, backend):
    if backend == "torch":
        pytest.skip("mixed precision is checked on TensorFlow and JAX (CPU torch has no fp16 matmul)")
    keras.mixed_precision.set_dtype_policy(request.param)
    yield request.param
    keras.mixed_precision.set_dtype_policy("float32")


def _assert_float32_state(model):
    for variable in model.weights + model.optimizer.variables:
        if "float" in str(variable.dtype):
            assert variable.dtype == "float32", variable.path


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
def test_adversarial_model_trains(policy):
    model, real, noise = fixed_problem()
    model.compile(generator_optimizer=keras.optimizers.Adam(0.05),
                  discriminator_optimizer=keras.optimizers.Adam(0.05))
    loss_scaled = isinstance(model.optimizer["generator"], keras.optimizers.LossScaleOptimizer)
    assert loss_scaled == (policy == "mixed_float16")
    assert model.generator.layers[0].compute_dtype == policy.split("_")[1]
    before = [keras.ops.convert_to_numpy(w).copy() for w in model.trainable_weights]
    history = model.fit((real, noise), batch_size=4, epochs=2, shuffle=False, verbose=0)
    _assert_float32_state(model)
    assert all(np.isfinite(history.history[k]).all() for k in ("d_loss", "g_loss"))
    moved = [np.abs(keras.ops.convert_to_numpy(w) - b).max() for w, b in
             zip(model.trainable_weights, before)]
    assert min(moved) > 0  # every layer trained: no step was skipped for good


class Float32Only(ToyAdversarial):
    supports_mixed_float16 = False


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_refused_by_model_that_cannot_take_it(policy):
    model = Float32Only()
    with pytest.raises(ValueError, match="mixed_float16.*Received: dtype_policy"):
        model.compile(generator_optimizer="adam", discriminator_optimizer="adam")


def test_float16_accepted_flag_default():
    assert AdversarialModel.supports_mixed_float16 is True


class Reconstruction(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, x):
        return self.dense(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # Losses are reduced in float32 whatever the compute dtype.
        error = keras.ops.cast(self(x), "float32") - x
        return keras.ops.mean(keras.ops.square(error))


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
def test_compute_loss_model_trains(policy):
    model = Reconstruction()
    model.build((None, 4))
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    history = model.fit(x, batch_size=8, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert keras.ops.convert_to_numpy(model(x)).dtype == np.dtype(policy.split("_")[1]) or \
        policy == "mixed_bfloat16"
    _assert_float32_state(model)


def _library_model(name):
    """A tiny library model and its training data."""
    rng = np.random.default_rng(0)
    binary = (rng.random((16, 12)) > 0.5).astype("float32")
    images = rng.uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    if name == "rbm":
        from keras_gen.models.rbm import RBM

        model = RBM(hidden_units=6, seed=0)
        model.build((None, 12))
        model.compile(optimizer=keras.optimizers.SGD(0.05))
        return model, (binary,)
    if name == "dbm":
        from keras_gen.models.dbm import DBM

        model = DBM((6, 4), persistent_chains=8, seed=0)
        model.build((None, 12))
        # The subject is the joint step's compute dtype, from the same weights under
        # every policy: mark the DBM pretrained instead of pretraining it here.
        model.pretrained.assign(1.0)
        model.compile(optimizer=keras.optimizers.SGD(0.05))
        return model, (binary,)
    if name == "denoising_autoencoder":
        from keras_gen.models.autoencoders import DenoisingAutoencoder

        model = DenoisingAutoencoder.dense((12,), code_dim=3, hidden_units=(8,), seed=0)
        model.compile(optimizer="adam")
        return model, (binary,)
    if name == "vae":
        from keras_gen.models.vae import VAE

        model = VAE.dense((12,), latent_dim=2, hidden_units=(8,), seed=0)
        model.compile(optimizer="adam")
        return model, (binary,)
    if name == "dcgan":
        from keras_gen.models.gan import DCGAN

        model = DCGAN((8, 8, 3), latent_dim=4, base_filters=4, seed=0)
        model.compile()
        return model, (images,)
    if name == "pix2pix":
        from keras_gen.models.pix2pix import Pix2Pix

        model = Pix2Pix(image_size=8, generator_filters=4, discriminator_filters=4)
        model.compile()
        return model, (images, images)
    from keras_gen.models.cyclegan import CycleGAN

    model = CycleGAN(image_size=8, generator_filters=4, discriminator_filters=4,
                     residual_blocks=1, pool_size=2, seed=0)
    model.compile()
    return model, (images, images)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
@pytest.mark.parametrize("name", ["rbm", "dbm", "denoising_autoencoder", "vae", "dcgan",
                                  "pix2pix", "cyclegan"])
def test_library_models_train(policy, name):
    model, data = _library_model(name)
    x = data[0] if len(data) == 1 else data
    history = model.fit(x, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert history.history, name
    for key, values in history.history.items():
        assert np.isfinite(values).all(), (key, values)
    _assert_float32_state(model)


def _trained_weights(name):
    model, data = _library_model(name)
    model.fit(data[0], batch_size=4, epochs=1, shuffle=False, verbose=0)
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"], indirect=True)
@pytest.mark.parametrize("name", ["rbm", "dbm"])
def test_energy_models_compute_in_float32(policy, name):
    # Their updates are differences of data and model statistics, which a
    # 16-bit compute dtype would swamp: the policy must not change the result.
    mixed = _trained_weights(name)
    keras.mixed_precision.set_dtype_policy("float32")
    exact = _trained_weights(name)
    for got, want in zip(mixed, exact):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
