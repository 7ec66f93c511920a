"""The DBN's deterministic up-pass as plain Keras networks: a classifier to
fine-tune and the parts exported to ONNX/TFLite."""

import keras
import numpy as np
from keras import ops

from keras_gen.models.rbm.replicated_softmax_rbm import ReplicatedSoftmaxRBM
from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["DBNFeedForward", "input_units"]


def input_units(rbm):
    """Units an RBM takes from below (a ClassificationRBM's visible layer adds labels)."""
    return getattr(rbm, "data_units", rbm.visible_units)


@keras.saving.register_keras_serializable(package="keras_gen")
class _BinaryThreshold(keras.layers.Layer):
    """1.0 where the input exceeds `threshold`, else 0.0 (for exported codes)."""

    def __init__(self, threshold=0.5, **kwargs):
        super().__init__(**kwargs)
        self.threshold = float(threshold)

    def call(self, inputs):
        return ops.cast(ops.greater(inputs, self.threshold), "float32")

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class DBNFeedForward:
    """The feed-forward half of `DBN`, documented on `DBN`'s page.

    A mixin: it expects `DBN`'s `rbms`, `data_units`, `seed`, `name` and
    `_check_built`.

    Example:

    >>> from keras_gen.models import DBN
    >>> dbn = DBN([6, 4], seed=0)
    >>> dbn.build((None, 8))
    >>> dbn.to_classifier(3).output_shape
    (None, 3)
    """

    def to_classifier(self, num_classes, dropout=0.0, input_dropout=None, name=None):
        """A plain Keras classifier initialised from the DBN, for backprop fine-tuning.

        Dense sigmoid layers carry the RBMs' weights and hidden biases; a new
        softmax layer of `num_classes` units sits on top. Compile and fit it
        like any Keras model (`sparse_categorical_crossentropy`).

        Args:
            num_classes: number of classes, >= 2.
            dropout: dropout rate before each hidden-to-hidden and the output
                layer, in [0, 1) (Hinton et al. 2012 fine-tune with 0.5).
            input_dropout: dropout rate on the input (default `dropout`;
                0.2 in Hinton et al. 2012).
            name: model name.

        Returns:
            An uncompiled functional `keras.Model` (x -> class probabilities).
        """
        num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        input_dropout = dropout if input_dropout is None else input_dropout
        dropout = check_probability("dropout", dropout, allow_one=False)
        input_dropout = check_probability("input_dropout", input_dropout, allow_one=False)
        self._check_built("to_classifier")
        inputs = keras.Input((self.data_units,), name="visible")
        h = inputs
        for index, rbm in enumerate(self.rbms):
            rate = input_dropout if index == 0 else dropout
            if rate:
                h = keras.layers.Dropout(rate, seed=self._dropout_seed(index), name=f"dropout_{index}")(h)
            h = self._up_layers_one(index, rbm, h)
        if dropout:
            top = len(self.rbms)
            h = keras.layers.Dropout(dropout, seed=self._dropout_seed(top), name=f"dropout_{top}")(h)
        initializer = keras.initializers.GlorotUniform(seed=self.seed)
        outputs = keras.layers.Dense(num_classes, activation="softmax", kernel_initializer=initializer,
                                     name="classes")(h)
        return keras.Model(inputs, outputs, name=name or f"{self.name}_classifier")

    def _dropout_seed(self, index):
        # One seed per layer: layers built from one seed draw the same stream, so
        # equally shaped masks would drop the same units in every layer.
        return None if self.seed is None else self.seed + index

    def _up_layers_one(self, index, rbm, h):
        dense = keras.layers.Dense(rbm.hidden_units, activation="sigmoid", name=f"hidden_{index}")
        h = dense(h)
        if isinstance(rbm, ReplicatedSoftmaxRBM):
            dense.set_weights([rbm.effective_kernel(), np.zeros(rbm.hidden_units, "float32")])
        else:
            kernel = ops.convert_to_numpy(rbm.kernel)[: input_units(rbm)]
            dense.set_weights([kernel, ops.convert_to_numpy(rbm.hidden_bias)])
        return h

    def export_parts(self):
        """`features` (x -> top probabilities) and `binary_codes` (x -> 0/1 codes),
        both deterministic mean-field up-passes, for ONNX/TFLite export."""
        self._check_built("export_parts")
        first = self.rbms[0]
        if isinstance(first, ReplicatedSoftmaxRBM):
            visible = {"range": [0.0, 5.0], "distribution": "uniform",
                       "description": "word counts of one document (the range is for test inputs)"}
        elif first.visible_type == "gaussian":
            visible = {"range": None, "distribution": "normal", "description": "standardized data vector"}
        else:
            visible = {"range": [0.0, 1.0], "distribution": "binary", "description": "data vector in [0, 1]"}
        parts = {}
        for part in ("features", "binary_codes"):
            inputs = keras.Input((self.data_units,), name="visible")
            h = inputs
            for index, rbm in enumerate(self.rbms):
                h = self._up_layers_one(index, rbm, h)
            if part == "binary_codes":
                h = _BinaryThreshold(0.5, name="codes")(h)
            model = keras.Model(inputs, h, name=f"{self.name}_{part}")
            parts[part] = (model, {"inputs": {"visible": dict(visible)}, "output_range": [0.0, 1.0]})
        return parts
