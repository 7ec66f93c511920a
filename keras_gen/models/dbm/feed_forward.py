"""The DBM's mean-field up-pass as plain Keras networks: a classifier to
fine-tune and the features exported to ONNX/TFLite."""

import keras
import numpy as np
from keras import ops

from keras_gen.utils import check_positive_int
from keras_gen.utils import check_probability

__all__ = ["DBMFeedForward"]


class DBMFeedForward:
    """The feed-forward half of `DBM`, documented on `DBM`'s page.

    A mixin: it expects `DBM`'s weights, `hidden_units`, `mean_field_steps`,
    `seed`, `name`, `transform`, `_check_input` and `_check_built`.

    Example:

    >>> from keras_gen.models import DBM
    >>> dbm = DBM((6, 4), seed=0)
    >>> dbm.build((None, 8))
    >>> dbm.to_classifier(3).output_shape
    (None, 3)
    """

    def classifier_inputs(self, x):
        """`[x, q(h2 | x)]`: the inputs of `to_classifier`'s model."""
        return [self._check_input("x", x), self.transform(x)]

    def to_classifier(self, num_classes, dropout=0.0, input_dropout=None, name=None, mean_field_dropout=None):
        """A plain Keras classifier initialised from the DBM (Salakhutdinov & Hinton 2009).

        As in the paper, the mean-field `q(h2 | x)` is a second, fixed input:
        `h1 = sigmoid(x W1 + q(h2) W2^T + c1)`, `h2 = sigmoid(h1 W2 + c2)`,
        then a softmax layer: new, or the label units' `softmax(h2 U^T + d)`
        for a DBM with `num_classes` label units. Feed it
        `dbm.classifier_inputs(x)`.

        Args:
            num_classes: number of classes, >= 2.
            dropout: dropout rate before `hidden_2` and the softmax layer, in [0, 1).
            input_dropout: dropout rate on `x` (default `dropout`).
            name: model name.
            mean_field_dropout: dropout rate on the `q(h2)` input (default
                `input_dropout`). MGL's reproduction of the paper's dropout
                fine-tuning drops pixels only: `mean_field_dropout=0`.

        Returns:
            An uncompiled functional `keras.Model` ([x, q(h2)] -> class probabilities).
        """
        num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        input_dropout = dropout if input_dropout is None else input_dropout
        dropout = check_probability("dropout", dropout, allow_one=False)
        input_dropout = check_probability("input_dropout", input_dropout, allow_one=False)
        mean_field_dropout = input_dropout if mean_field_dropout is None else mean_field_dropout
        mean_field_dropout = check_probability("mean_field_dropout", mean_field_dropout, allow_one=False)
        self._check_built("to_classifier")
        visible = keras.Input((self.data_units,), name="visible")
        marginals = keras.Input((self.hidden_units[1],), name="mean_field_hidden_2")
        first = keras.layers.Dense(self.hidden_units[0], activation="sigmoid", name="hidden_1")
        if input_dropout == mean_field_dropout:  # one mask over both inputs
            inputs = keras.layers.Concatenate(name="visible_and_mean_field")([visible, marginals])
            if input_dropout:
                inputs = keras.layers.Dropout(input_dropout, seed=self._dropout_seed(0), name="dropout_0")(inputs)
        else:
            dropped_visible, dropped_marginals = visible, marginals
            if input_dropout:
                dropped_visible = keras.layers.Dropout(input_dropout, seed=self._dropout_seed(0),
                                                       name="dropout_0")(visible)
            if mean_field_dropout:
                dropped_marginals = keras.layers.Dropout(mean_field_dropout, seed=self._dropout_seed(3),
                                                         name="dropout_mean_field")(marginals)
            inputs = keras.layers.Concatenate(name="visible_and_mean_field")([dropped_visible, dropped_marginals])
        h1 = first(inputs)
        if dropout:
            h1 = keras.layers.Dropout(dropout, seed=self._dropout_seed(1), name="dropout_1")(h1)
        first.set_weights([np.concatenate([ops.convert_to_numpy(self.kernel_1),
                                           ops.convert_to_numpy(self.kernel_2).T]),
                           ops.convert_to_numpy(self.hidden_bias_1)])
        second = keras.layers.Dense(self.hidden_units[1], activation="sigmoid", name="hidden_2")
        h2 = second(h1)
        second.set_weights([ops.convert_to_numpy(self.kernel_2), ops.convert_to_numpy(self.hidden_bias_2)])
        if dropout:
            h2 = keras.layers.Dropout(dropout, seed=self._dropout_seed(2), name="dropout_2")(h2)
        classes = keras.layers.Dense(num_classes, activation="softmax", name="classes",
                                     kernel_initializer=keras.initializers.GlorotUniform(seed=self.seed))
        outputs = classes(h2)
        if self.num_classes == num_classes:
            # The label units' weights already map h2 to the classes (MGL's
            # reproduction starts its softmax layer from them too).
            classes.set_weights([ops.convert_to_numpy(self.label_kernel).T, ops.convert_to_numpy(self.label_bias)])
        return keras.Model([visible, marginals], outputs, name=name or f"{self.name}_classifier")

    def _dropout_seed(self, layer):
        # One seed per layer: layers built from one seed draw the same stream, so the
        # 500- and 1000-unit masks would repeat each other's bits.
        return None if self.seed is None else self.seed + layer

    def export_parts(self):
        """`{"features": (model, metadata)}`: x -> q(h2 | x), the mean-field iterations unrolled.

        Label units, if any, are inferred as in `mean_field`: uniform in the
        recognition pass, then `softmax(q(h2) U^T + d)` at every step.
        """
        self._check_built("export_parts")
        layers = keras.layers
        first, second = self.hidden_units
        kernel_1, kernel_2 = ops.convert_to_numpy(self.kernel_1), ops.convert_to_numpy(self.kernel_2)
        bias_1, bias_2 = ops.convert_to_numpy(self.hidden_bias_1), ops.convert_to_numpy(self.hidden_bias_2)
        labelled = bool(self.num_classes)
        label_kernel = ops.convert_to_numpy(self.label_kernel) if labelled else np.zeros((1, second), "float32")

        def dense(units, name, weights, activation=None):
            layer = layers.Dense(units, activation=activation, use_bias=len(weights) == 2, name=name)
            layer.build((None, weights[0].shape[0]))
            layer.set_weights(weights)
            return layer

        inputs = keras.Input((self.data_units,), name="visible")
        recognition = dense(first, "recognition", [2.0 * kernel_1, bias_1], "sigmoid")
        # Uniform label units add their mean weight to h2's recognition input.
        recognition_top = dense(second, "recognition_top", [kernel_2, bias_2 + label_kernel.mean(axis=0) * labelled],
                                "sigmoid")
        up = dense(first, "visible_to_hidden_1", [kernel_1])
        down = dense(first, "hidden_2_to_hidden_1", [kernel_2.T, bias_1])
        top = dense(second, "hidden_1_to_hidden_2", [kernel_2, bias_2], None if labelled else "sigmoid")
        if labelled:
            to_labels = dense(self.num_classes, "hidden_2_to_labels",
                              [label_kernel.T, ops.convert_to_numpy(self.label_bias)], "softmax")
            from_labels = dense(second, "labels_to_hidden_2", [label_kernel])
        from_visible = up(inputs)
        mu2 = recognition_top(recognition(inputs))
        for step in range(self.mean_field_steps):
            mu1 = layers.Activation("sigmoid", name=f"mean_field_{step}")(layers.Add()([from_visible, down(mu2)]))
            if labelled:
                mu2 = layers.Activation("sigmoid", name=f"mean_field_top_{step}")(
                    layers.Add()([top(mu1), from_labels(to_labels(mu2))]))
            else:
                mu2 = top(mu1)
        metadata = {"inputs": {"visible": {"range": [0.0, 1.0], "distribution": "binary",
                                           "description": "data vector in [0, 1]"}},
                    "output_range": [0.0, 1.0]}
        return {"features": (keras.Model(inputs, mu2, name=f"{self.name}_features"), metadata)}
