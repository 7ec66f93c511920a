"""The image history pool of CycleGAN, as a layer with its buffer in variables."""

import keras

from keras_gen.trainers import ReplicaSeedGenerator
from keras_gen.utils import check_positive_int
from keras_gen.utils.seed_state import SavesSeedState

__all__ = ["ImagePool"]


@keras.saving.register_keras_serializable(package="keras_gen")
class ImagePool(SavesSeedState, keras.layers.Layer):
    """A history of generated images that the discriminator is shown.

    Updating the discriminator on a mix of this step's fakes and older
    ones damps oscillation. Called on a batch, the pool returns a batch of
    the same shape: while fewer than `pool_size` images are stored, each
    image is stored and returned as is; afterwards, with probability 1/2 an
    image is swapped for a random stored one (returned in its place), else
    returned as is. `pool_size=0` turns the pool off (identity).

    The buffer and the count are non-trainable variables (saved with the
    model, threaded through jitted steps); randomness comes from the
    layer's `SeedGenerator`, whose state is saved with them. Written with
    `keras.ops`, so it runs on every backend and under `jit_compile`, with
    static or dynamic batch sizes.
    Within one batch, draws are independent; if two images pick the same
    slot, the later one is stored.

    Args:
        pool_size: images kept (the paper: 50); 0 disables the pool.
        image_shape: `(height, width, channels)` of the images.
        seed: seed of the layer's `keras.random.SeedGenerator`.
        **kwargs: base layer arguments (`name`).

    Returns:
        A layer; `pool(images)` gives the images for the discriminator.

    Example:

    >>> import numpy as np
    >>> pool = ImagePool(pool_size=4, image_shape=(2, 2, 1))
    >>> out = pool(np.ones((3, 2, 2, 1), "float32"))
    >>> int(keras.ops.convert_to_numpy(pool.count))
    3

    Reference: Shrivastava et al., "Learning from Simulated and
    Unsupervised Images through Adversarial Training", CVPR 2017; Zhu et
    al., "Unpaired Image-to-Image Translation using Cycle-Consistent
    Adversarial Networks", ICCV 2017 (section 4).
    """

    def __init__(self, pool_size=50, image_shape=(128, 128, 3), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = check_positive_int("pool_size", pool_size, minimum=0)
        if len(tuple(image_shape)) != 3:
            raise ValueError(
                "Expected `image_shape` to be (height, width, channels). "
                f"Received: image_shape={image_shape!r}"
            )
        self.image_shape = tuple(
            check_positive_int("image_shape", int(side)) for side in image_shape
        )
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed)
        self.buffer = self.add_weight(
            shape=(max(self.pool_size, 1),) + self.image_shape,
            initializer="zeros",
            trainable=False,
            name="buffer",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def call(self, images):
        if self.pool_size == 0:
            return images
        ops = keras.ops
        images = ops.cast(images, self.buffer.dtype)
        # ops.ones_like(images[:, 0, 0, 0]) carries a possibly dynamic batch size
        # into the draws without reading the shape in Python.
        ones = ops.ones_like(images[:, 0, 0, 0])
        batch_positions = ops.cast(ops.cumsum(ones) - 1.0, "int32")
        uniform = keras.random.uniform(ops.shape(ones), seed=self.seed_generator)
        slots = keras.random.randint(
            ops.shape(ones), 0, self.pool_size, seed=self.seed_generator, dtype="int32"
        )
        filling_slot = self.count + batch_positions
        filling = filling_slot < self.pool_size
        # Only images stored before this batch can be handed back.
        swap = ops.logical_and(ops.logical_not(filling), uniform < 0.5)
        swap = ops.logical_and(swap, slots < self.count)
        stored = ops.take(self.buffer, slots, axis=0)
        outputs = ops.where(swap[:, None, None, None], stored, images)

        slot = ops.where(filling, filling_slot, slots)
        write = ops.cast(ops.logical_or(filling, swap), self.buffer.dtype)
        hits = ops.one_hot(slot, self.pool_size, dtype=self.buffer.dtype) * write[:, None]
        # Keep only the last writer of a slot: hits of later images, exclusive.
        later = ops.flip(ops.cumsum(ops.flip(hits, 0), axis=0), 0) - hits
        hits = hits * ops.cast(later == 0, hits.dtype)
        written = ops.sum(hits, axis=0)[:, None, None, None]
        incoming = ops.einsum("bp,bhwc->phwc", hits, images)
        self.buffer.assign(self.buffer * (1.0 - written) + incoming)
        self.count.assign(
            ops.minimum(self.count + ops.cast(ops.sum(ones), "int32"), self.pool_size)
        )
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {"pool_size": self.pool_size, "image_shape": self.image_shape, "seed": self.seed}
        )
        return config
