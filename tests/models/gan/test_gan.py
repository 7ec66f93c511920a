import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_gen.models.gan import GAN
from keras_gen.models.gan import DCGAN
from keras_gen.trainers import OptimizerGroup
from tests.helpers import assert_round_trip

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def mlp_gan(latent_dim=2, features=1, activation=None, **kwargs):
    generator = keras.Sequential(
        [keras.Input((latent_dim,)), keras.layers.Dense(16, activation="relu"),
         keras.layers.Dense(features, activation=activation)], name="generator")
    discriminator = keras.Sequential(
        [keras.Input((features,)), keras.layers.Dense(16, activation="relu"),
         keras.layers.Dense(1)], name="discriminator")
    return GAN(generator, discriminator, latent_dim, seed=3, **kwargs)


def test_generator_moves_to_the_data(backend):
    """On 1-D data N(3, 0.5) the samples' mean moves from ~0 to near 3 (it
    oscillates around 3 on the way, as GANs do: the bound is loose)."""
    data = np.random.default_rng(0).normal(3.0, 0.5, (512, 1)).astype("float32")
    gan = mlp_gan()
    gan.compile(generator_optimizer=keras.optimizers.Adam(0.003, beta_1=0.5),
                discriminator_optimizer=keras.optimizers.Adam(0.003, beta_1=0.5),
                steps_per_execution=1 if backend == "torch" else 8)
    before = abs(float(gan.sample(256, seed=1).mean()) - 3.0)
    history = gan.fit(data, batch_size=64, epochs=30, verbose=0)
    after = abs(float(gan.sample(256, seed=1).mean()) - 3.0)
    assert after < 1.0 and before > 2.5
    assert np.isfinite(history.history["d_loss"]).all()


@pytest.mark.parametrize("loss", ["non_saturating", "minimax", "hinge", "least_squares",
                                  "wasserstein_gp"])
def test_every_loss_trains(loss, backend):
    data = np.random.default_rng(0).uniform(-1, 1, (32, 3)).astype("float32")
    gan = mlp_gan(features=3, activation="tanh", loss=loss, discriminator_steps=2,
                  instance_noise=0.05 if loss == "hinge" else 0.0,
                  label_smoothing=0.1 if loss == "least_squares" else 0.0)
    gan.compile()
    before = {name: [keras.ops.convert_to_numpy(w) for w in getattr(gan, name).trainable_weights]
              for name in ("generator", "discriminator")}
    history = gan.fit(data, batch_size=16, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values).all(), key
    assert ("gradient_penalty" in history.history) == (loss == "wasserstein_gp")
    for name, weights in before.items():
        after = getattr(gan, name).trainable_weights
        assert any(not np.array_equal(a, keras.ops.convert_to_numpy(b))
                   for a, b in zip(weights, after)), name
    # k discriminator updates per generator update.
    assert int(keras.ops.convert_to_numpy(gan.optimizer["discriminator"].iterations)) == 4
    assert int(keras.ops.convert_to_numpy(gan.optimizer["generator"].iterations)) == 2


def test_save_load_round_trip(tmp_path, backend):
    gan = DCGAN((8, 8, 1), latent_dim=8, base_filters=4, seed=0)
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    gan.fit(images, batch_size=4, verbose=0)
    noise = np.random.default_rng(1).normal(size=(5, 8)).astype("float32")
    restored = assert_round_trip(
        gan, tmp_path / "dcgan.keras",
        {"generate": lambda m: m.generate(noise),
         # Unseeded: the same draw only if the SeedGenerator's state came back.
         "sample": lambda m: m.sample(3)},
        train=lambda m: m.fit(images, batch_size=4, verbose=0))
    assert isinstance(restored.optimizer, OptimizerGroup)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision(policy, backend):
    keras.mixed_precision.set_global_policy(policy)
    try:
        gan = DCGAN((8, 8, 1), latent_dim=8, base_filters=4)
        gan.compile()
        history = gan.fit(np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32"),
                          batch_size=4, verbose=0)
        scaled = isinstance(gan.optimizer["generator"], keras.optimizers.LossScaleOptimizer)
        assert scaled == (policy == "mixed_float16")
        assert np.isfinite(history.history["d_loss"]).all()
        assert gan.generator.layers[1].compute_dtype == policy.split("_")[1]
        assert gan.sample(2).dtype == np.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_export_parts_matches_generate(backend):
    gan = DCGAN((32, 32, 3), latent_dim=8, base_filters=4)
    parts = gan.export_parts()
    model, metadata = parts["generator"]
    noise = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(noise)), gan.generate(noise),
                               atol=1e-6)
    assert metadata["output_range"] == [-1.0, 1.0]
    assert metadata["inputs"]["noise"]["distribution"] == "normal"


def test_sampling_is_seeded(backend):
    gan = DCGAN((8, 8, 1), latent_dim=8, base_filters=4)
    np.testing.assert_array_equal(gan.sample(3, seed=7), gan.sample(3, seed=7))
    assert not np.array_equal(gan.sample(3), gan.sample(3))


def test_bad_inputs(backend):
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh")])
    d = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="generator's output shape"):
        GAN(g, keras.Sequential([keras.Input((7,)), keras.layers.Dense(1)]), latent_dim=4)
    with pytest.raises(ValueError, match="latent_dim"):
        GAN(g, d, latent_dim=0)
    with pytest.raises(ValueError, match="latent_dim=5"):
        GAN(g, d, latent_dim=5)
    with pytest.raises(ValueError, match="discriminator_steps"):
        GAN(g, d, latent_dim=4, discriminator_steps=0)
    with pytest.raises(ValueError, match="loss"):
        GAN(g, d, latent_dim=4, loss="wasserstein")
    with pytest.raises(ValueError, match="label_smoothing"):
        GAN(g, d, latent_dim=4, loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match="instance_noise"):
        GAN(g, d, latent_dim=4, instance_noise=-1.0)
    gan = GAN(g, d, latent_dim=4)
    with pytest.raises(ValueError, match="compile"):
        gan.fit(np.zeros((4, 8), "float32"))
    gan.compile()
    with pytest.raises(ValueError, match=r"\[-1, 1\].*\[0, 255\]"):
        gan.fit(np.linspace(0, 255, 32, dtype="float32").reshape(4, 8), verbose=0)
    with pytest.raises(ValueError, match="shape"):
        gan.fit(np.zeros((4, 9), "float32"), verbose=0)
    with pytest.raises(ValueError, match="noise"):
        gan.fit((np.zeros((4, 8), "float32"), np.zeros((4, 3), "float32")), verbose=0)
    with pytest.raises(ValueError, match="image_shape"):
        DCGAN((30, 30, 1))


@pytest.mark.slow
def test_parity_across_backends(tmp_path, backend):
    """Same weights, data and noise: three DCGAN steps (k=2) give the same
    weights and optimizer state on TensorFlow, JAX and torch (within 1e-5)."""
    if backend != "tensorflow":
        pytest.skip("runs all three backends in subprocesses; once is enough")
    script = os.path.join(ROOT, "tests", "models", "gan", "parity_gan.py")
    results = {}
    for name in ("tensorflow", "jax", "torch"):
        out = str(tmp_path / f"{name}.npz")
        env = dict(os.environ, KERAS_BACKEND=name, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
        subprocess.run([sys.executable, script, out, "non_saturating"], check=True, env=env,
                       cwd=ROOT, timeout=600)
        results[name] = np.load(out)
    reference = results["tensorflow"]
    for name in ("jax", "torch"):
        assert reference.files == results[name].files
        for key in reference.files:
            np.testing.assert_allclose(results[name][key], reference[key], atol=1e-5, rtol=0,
                                       err_msg=f"{name} differs from tensorflow on {key}")


def test_gradient_penalty_refuses_torch_compile(backend):
    if backend != "torch":
        pytest.skip("torch.compile only")
    gan = mlp_gan(features=3, activation="tanh", loss="wasserstein_gp")
    with pytest.raises(ValueError, match="jit_compile"):
        gan.compile(jit_compile=True)
