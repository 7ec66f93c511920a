"""Deep Boltzmann Machines: `DBM` (two hidden layers; mean-field + persistent chains)."""

from keras_gen.models.dbm.dbm import DBM
