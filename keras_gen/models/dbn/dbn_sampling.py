"""Drawing samples from a DBN: Gibbs sampling in the top RBM, then ancestral sampling down."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.random_stream import RandomStream
from keras_gen.utils import check_class_labels
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_seed
from keras_gen.utils.deprecation import warn_deprecated

__all__ = ["DBNSampling"]


class DBNSampling:
    """The sampling half of `DBN`, documented on `DBN`'s page.

    A mixin: it expects `DBN`'s `rbms`, `num_classes`, `seed_generator` and
    `_check_built`.

    Example:

    >>> from keras_gen.models import DBN
    >>> dbn = DBN([6, 4], seed=0)
    >>> dbn.build((None, 8))
    >>> dbn.sample(3, seed=1, gibbs_steps=10).shape
    (3, 8)

    References:
        Hinton, Osindero & Teh, "A fast learning algorithm for deep belief
        nets", Neural Computation 2006.
    """

    def sample(self, count, seed=None, batch_size=4096, *, gibbs_steps=1000, label=None, start="auto"):
        """Draws `count` data vectors from the DBN.

        The top RBM (the DBN's undirected associative memory) is run by
        Gibbs sampling for `gibbs_steps` sweeps, its binary visible states
        are passed down the directed layers by sampling each
        `p(h_below | h)`, and the result is `E[v | h1]` of the bottom layer
        (cleaner pictures than binary pixels). A top RBM trained with PCD
        starts its chains from its persistent chains, which PCD kept near
        its distribution; from its visible biases' marginals, chains take
        thousands of sweeps to leave the modes nearest to them (see
        `RBM.sample`). With a labelled top layer, `label` clamps the label
        units so that the samples are of that class (Hinton, Osindero & Teh
        2006).

        Args:
            count: number of samples, >= 1.
            seed: int for reproducible samples, or `None` for the models'
                own generators.
            gibbs_steps: sweeps in the top RBM, >= 1.
            label: `None`, one class index for all samples, or `count` class
                indices (labelled DBNs only).
            batch_size: chains run at once, >= 1.
            start: where the top RBM's chains start: `"persistent"`,
                `"marginals"` or `"auto"` (persistent where the top RBM has
                trained persistent chains), as in `RBM.sample`.

        Returns:
            A float32 NumPy array (count, visible units): probabilities
            (Bernoulli), means (Gaussian) or word distributions (replicated
            softmax).
        """
        self._check_built("sample")
        count = check_positive_int("count", count)
        seed = check_seed(seed)
        gibbs_steps = check_positive_int("gibbs_steps", gibbs_steps)
        batch_size = check_positive_int("batch_size", batch_size)
        labels = check_class_labels("label", label, count, self.num_classes, model="DBN")
        start = self.rbms[-1].resolve_start(start)
        stream = RandomStream(self.seed_generator if seed is None else keras.random.SeedGenerator(seed))
        parts = []
        for index, offset in enumerate(range(0, count, batch_size)):
            rows = min(batch_size, count - offset)
            chunk_labels = None if labels is None else labels[offset : offset + rows]
            chunk_seed = None if seed is None else seed + 1 + index
            parts.append(self._sample_chunk(rows, chunk_seed, gibbs_steps, chunk_labels, stream, start, offset))
        if seed is None:
            stream.commit()
        return np.concatenate(parts).astype("float32")

    def _sample_chunk(self, rows, seed, gibbs_steps, labels, stream, start, offset):
        top = self.rbms[-1]
        if len(self.rbms) == 1:
            if labels is not None:
                return top.sample(rows, seed=seed, gibbs_steps=gibbs_steps, labels=labels, start=start)
            return top.sample(rows, seed=seed, gibbs_steps=gibbs_steps, start=start)[:, : top.data_units]
        # A writable copy: the label units are set in place below.
        start = np.array(ops.convert_to_numpy(top.chain_start(rows, start, stream, offset)))
        mask = None
        if labels is not None:
            start[:, top.data_units :] = labels
            mask = np.zeros(top.visible_units, "float32")
            mask[top.data_units :] = 1.0
        h = top.gibbs(start, gibbs_steps, seed=seed, mask=mask)[:, : top.data_units]
        h = ops.convert_to_tensor(h)
        for rbm in reversed(self.rbms[1:-1]):
            h = stream.bernoulli(ops.sigmoid(rbm.visible_preactivation(h)))
        bottom = self.rbms[0]
        return ops.convert_to_numpy(bottom.visible_mean_from_preactivation(bottom.visible_preactivation(h)))

    def generate(self, count, gibbs_steps=1000, seed=None, batch_size=4096):
        """Deprecated: `sample(count, seed=None, gibbs_steps=1000)` draws samples.

        `generate` is for mapping given latents to data across keras-gen;
        `DBN.generate(count)` keeps working for one release, with a
        `DeprecationWarning`.
        """
        warn_deprecated("DBN.generate(count)", "DBN.sample(count)")
        return self.sample(count, seed=seed, gibbs_steps=gibbs_steps, batch_size=batch_size)
