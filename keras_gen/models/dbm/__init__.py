"""Deep Boltzmann Machines: `DBM` (two hidden layers; doubling-trick pretraining in
`pretraining`, mean-field + persistent chains), with its estimators in `ais`
(log Z by AIS with h1 summed out, the variational lower bound)."""

from keras_gen.models.dbm.dbm import DBM
