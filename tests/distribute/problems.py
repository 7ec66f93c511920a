"""Tiny deterministic training problems for the distribution equality tests.

Each problem builds a freshly seeded model compiled with plain SGD (Adam
would hide a replica-count error in the loss scale: it normalizes the
gradient's size) and gives its training data.
"""

import keras
import numpy as np

from keras_gen.trainers import ReplicaSeedGenerator


def _sgd():
    return keras.optimizers.SGD(0.1)


class Problem:
    def __init__(self, build, data, replica_data, supervised=False):
        self.build = build
        self.data = data
        # Supervised data is an (x, y) pair; otherwise a tuple is all x.
        self.supervised = supervised
        # "split": each replica gets its own data (noise is part of the data);
        # "duplicated": every replica gets the same data (the model draws noise).
        self.replica_data = replica_data


def _denoising(optimizer=_sgd):
    from keras_gen.models.autoencoders import DenoisingAutoencoder

    model = DenoisingAutoencoder.dense((6,), code_dim=4, hidden_units=(), corruption="masking",
                                       corruption_level=0.3, reconstruction_loss="mse", seed=1)
    model.compile(optimizer=optimizer())
    return model


def _rng():
    return np.random.default_rng(0)


def _toy(optimizer=_sgd):
    from tests.trainers.toy_adversarial import fixed_problem

    model, _, _ = fixed_problem()
    model.compile(generator_optimizer=optimizer(), discriminator_optimizer=optimizer())
    return model


def _toy_data(count):
    rng = _rng()
    return (rng.normal(1.0, 0.3, (count, 3)).astype("float32"),
            rng.normal(size=(count, 2)).astype("float32"))


def _gan(optimizer=_sgd):
    from keras_gen.models.gan import GAN

    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(4, activation="tanh")], name="generator")
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="relu"),
                                      keras.layers.Dense(1)], name="discriminator")
    model = GAN(generator, discriminator, latent_dim=2, seed=1)
    model.compile(generator_optimizer=optimizer(), discriminator_optimizer=optimizer())
    return model


def _unit_data(count, features=4, low=-1.0):
    return _rng().uniform(low, 1.0, (count, features)).astype("float32")


def _vae(optimizer=_sgd):
    from keras_gen.models.vae import VAE

    model = VAE.dense((6,), latent_dim=2, hidden_units=(4,), seed=1)
    model.compile(optimizer=optimizer())
    return model


def _rbm(optimizer=_sgd):
    from keras_gen.models.rbm import RBM

    model = RBM(hidden_units=4, seed=1)
    model.build((None, 6))
    model.compile(optimizer=optimizer())
    return model


def _binary_data(count):
    return (_rng().random((count, 6)) > 0.5).astype("float32")


def _cyclegan(optimizer=_sgd):
    from keras_gen.models.cyclegan import CycleGAN

    model = CycleGAN(image_size=8, generator_filters=4, discriminator_filters=4,
                     residual_blocks=1, pool_size=2, seed=1)
    model.compile(generator_optimizer=optimizer(), discriminator_optimizer=optimizer())
    return model


def _resnet_generator(optimizer=_sgd):
    # CycleGAN's generator (the largest network here) trained alone as an
    # image-to-image regression: cheap enough for JAX on a CPU.
    from keras_gen.models.cyclegan.resnet_generator import resnet_generator

    model = resnet_generator(8, 3, 3, 4, 1, name="generator_ab")
    model.compile(optimizer=optimizer(), loss="mean_absolute_error")
    return model


def _image_pairs(count):
    rng = _rng()
    return (rng.uniform(-1, 1, (count, 8, 8, 3)).astype("float32"),
            rng.uniform(-1, 1, (count, 8, 8, 3)).astype("float32"))


PROBLEMS = {
    "toy": Problem(_toy, _toy_data, "split"),
    "denoising": Problem(_denoising, lambda count: _unit_data(count, 6, 0.0), "duplicated"),
    "gan": Problem(_gan, _unit_data, "duplicated"),
    "vae": Problem(_vae, _binary_data, "duplicated"),
    "rbm": Problem(_rbm, _binary_data, "duplicated"),
    "cyclegan": Problem(_cyclegan, _image_pairs, "duplicated"),
    "resnet_generator": Problem(_resnet_generator, _image_pairs, "split", supervised=True),
}


def uses_replica_noise(model):
    """Whether the model draws its noise through a ReplicaSeedGenerator."""
    return isinstance(getattr(model, "seed_generator", None), ReplicaSeedGenerator)


def replica_slices(problem, replica_data, replicas, count):
    data = problem.data(count * replicas)
    if replica_data == "duplicated":
        return [keras.tree.map_structure(lambda a: a[:count], data)] * replicas
    return [keras.tree.map_structure(lambda a, r=r: a[r * count:(r + 1) * count], data)
            for r in range(replicas)]


def global_batches(slices, batch):
    """The batches one device sees: step k holds every replica's k-th batch."""
    count = len(keras.tree.flatten(slices[0])[0])

    def join(*arrays):
        return np.concatenate([a[k:k + batch] for k in range(0, count, batch) for a in arrays])

    return keras.tree.map_structure(join, *slices)


def distributed_dataset(strategy, slices, batch, supervised=False):
    """A tf.distribute dataset giving replica r the batches of `slices[r]`."""
    import tensorflow as tf

    def dataset_fn(context):
        local = context.num_replicas_in_sync // context.num_input_pipelines
        first = context.input_pipeline_id * local
        mine = slices[first:first + local]
        count = len(keras.tree.flatten(mine[0])[0])

        # Element i goes to local replica i % local: interleave per step.
        def stack(*arrays):
            return np.stack([a[k:k + batch] for k in range(0, count, batch) for a in arrays])

        elements = keras.tree.map_structure(stack, *mine)
        if isinstance(elements, tuple) and not supervised:
            elements = (elements,)  # a tuple of inputs is x, not (x, y)
        return tf.data.Dataset.from_tensor_slices(elements)

    return strategy.distribute_datasets_from_function(dataset_fn)
