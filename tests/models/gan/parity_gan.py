"""Three DCGAN steps from fixed weights, data and noise, for the cross-backend
parity test.

Run as a script: `KERAS_BACKEND=jax python parity_gan.py OUT.npz LOSS`
saves every weight and optimizer variable after the steps.
"""

import sys

import keras
import numpy as np

from keras_gen.models.gan import DCGAN


def fixed_problem(loss="non_saturating"):
    rng = np.random.default_rng(0)
    gan = DCGAN((28, 28, 1), latent_dim=8, base_filters=4, loss=loss, discriminator_steps=2)
    for variable in gan.trainable_weights:
        variable.assign(rng.normal(0.0, 0.2, variable.shape).astype("float32"))
    images = np.tanh(rng.normal(size=(12, 28, 28, 1))).astype("float32")
    noise = rng.normal(size=(12, 8)).astype("float32")
    return gan, images, noise


def train(loss="non_saturating"):
    gan, images, noise = fixed_problem(loss)
    gan.compile()  # the paper's Adam(2e-4, beta_1=0.5) for both
    gan.fit((images, noise), batch_size=4, epochs=1, shuffle=False, verbose=0)
    return gan


if __name__ == "__main__":
    model = train(sys.argv[2] if len(sys.argv) > 2 else "non_saturating")
    values = {f"w{i}": np.asarray(keras.ops.convert_to_numpy(w)) for i, w in enumerate(model.weights)
              if "seed_generator" not in w.path}
    values.update({f"opt{i}": keras.ops.convert_to_numpy(v)
                   for i, v in enumerate(model.optimizer.variables)})
    np.savez(sys.argv[1], **values)
