"""What the DBN tests share."""

import keras

from keras_gen.models import DBN

# torch runs one step per execution only.
STEPS = 1 if keras.backend.backend() == "torch" else 8


def trained(x, layers=(24, 12), epochs=3, **kwargs):
    """A DBN trained greedily on `x` (SGD, no shuffling); returns it and its history."""
    kwargs.setdefault("seed", 0)
    dbn = DBN(list(layers), **kwargs)
    dbn.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5), steps_per_execution=STEPS)
    history = dbn.fit(x, batch_size=20, epochs=epochs, verbose=0, shuffle=False)
    return dbn, history.history
