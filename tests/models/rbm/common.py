"""What the RBM tests share."""

import keras

from keras_gen.models import RBM


def trained(x, epochs=4, **kwargs):
    """An RBM (32 hidden units unless `hidden_units`) trained on `x` with SGD; returns it and its history."""
    kwargs.setdefault("seed", 0)
    rbm = RBM(kwargs.pop("hidden_units", 32), **kwargs)
    rbm.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5))
    history = rbm.fit(x, batch_size=20, epochs=epochs, verbose=0, shuffle=False)
    return rbm, history.history
