"""What the Vid2Vid tests share: tiny moving-digit videos and a tiny model."""

import keras

from keras_gen.data import load_digits
from keras_gen.data import moving_digits
from keras_gen.models.vid2vid import Vid2Vid

SIZE = 16


def videos(count=4, frames=3, seed=0, digits=1):
    return moving_digits(count=count, frames=frames, size=SIZE, digits=digits,
                         source=load_digits(), seed=seed)


def inputs(data):
    return {key: data[key] for key in ("maps", "flow", "visible")}


def tiny(**kwargs):
    kwargs = {"image_size": SIZE, "generator_filters": 4, "generator_blocks": 1,
              "discriminator_filters": 4, **kwargs}
    return Vid2Vid(**kwargs)


def iterations(model):
    return {name: int(keras.ops.convert_to_numpy(model.optimizer[name].iterations))
            for name in ("generator", "discriminator", "temporal_discriminator")}
