"""A toy two-player model for the trainers' cross-backend parity test.

Run as a script: `KERAS_BACKEND=jax python toy_adversarial.py OUT.npz`
trains it for three alternating steps from fixed weights, data and noise and
saves every weight.
"""

import sys

import keras
import numpy as np

from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import minimize


class ToyAdversarial(AdversarialModel):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.generator = keras.Sequential(
            [keras.Input((2,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(3)],
            name="generator",
        )
        self.discriminator = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)],
            name="discriminator",
        )
        self.d_tracker = keras.metrics.Mean(name="d_loss")
        self.g_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True

    @property
    def metrics(self):
        return [self.d_tracker, self.g_tracker]

    def compile(self, generator_optimizer, discriminator_optimizer, **kwargs):
        self.compile_optimizers(
            {"generator": generator_optimizer, "discriminator": discriminator_optimizer},
            {
                "generator": self.generator.trainable_variables,
                "discriminator": self.discriminator.trainable_variables,
            },
            **kwargs,
        )

    def adversarial_step(self, data):
        real, noise = keras.utils.unpack_x_y_sample_weight(data)[0]
        ops = keras.ops

        def discriminator_loss():
            fake = self.generator(noise, training=True)
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))

        def generator_loss():
            fake_logits = self.discriminator(self.generator(noise, training=True), training=True)
            return ops.mean(ops.softplus(-fake_logits))

        d_loss = minimize(
            discriminator_loss, self.discriminator.trainable_variables, self.optimizer["discriminator"]
        )
        g_loss = minimize(
            generator_loss, self.generator.trainable_variables, self.optimizer["generator"]
        )
        self.d_tracker.update_state(d_loss)
        self.g_tracker.update_state(g_loss)
        return {"d_loss": self.d_tracker.result(), "g_loss": self.g_tracker.result()}


def fixed_problem():
    rng = np.random.default_rng(0)
    model = ToyAdversarial()
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights
               if w.trainable]
    trainable = [w for w in model.weights if w.trainable]
    for variable, value in zip(trainable, weights):
        variable.assign(value)
    real = rng.normal(1.0, 0.3, (12, 3)).astype("float32")
    noise = rng.normal(size=(12, 2)).astype("float32")
    return model, real, noise


def train(jit_compile=False, steps_per_execution=1):
    model, real, noise = fixed_problem()
    model.compile(
        generator_optimizer=keras.optimizers.Adam(0.05),
        discriminator_optimizer=keras.optimizers.Adam(0.05),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    history = model.fit((real, noise), batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model, history


if __name__ == "__main__":
    model, history = train()
    values = {f"w{i}": np.asarray(w) for i, w in enumerate(model.trainable_weights)}
    values.update({f"opt{i}": np.asarray(v) for i, v in enumerate(model.optimizer.variables)})
    np.savez(sys.argv[1], **values)
