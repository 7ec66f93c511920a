"""What the DBM tests share."""

import keras

from keras_gen.models import DBM

# torch runs one step per execution only.
STEPS = 1 if keras.backend.backend() == "torch" else 8


def pretrained(x, epochs=2, **kwargs):
    """A (32, 16) DBM after layer-wise pretraining on `x`; returns it and the layers' histories."""
    kwargs.setdefault("seed", 0)
    kwargs.setdefault("persistent_chains", 20)
    dbm = DBM((32, 16), **kwargs)
    histories = dbm.pretrain(x, epochs=epochs, batch_size=20, verbose=0, steps_per_execution=STEPS)
    return dbm, histories
