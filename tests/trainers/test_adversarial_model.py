"""The evaluation hook of AdversarialModel."""

import keras
import numpy as np
import pytest

from tests.trainers.toy_adversarial import fixed_problem


def test_evaluate_needs_an_evaluation_step(backend):
    model, real, noise = fixed_problem()
    model.compile(generator_optimizer="adam", discriminator_optimizer="adam")
    with pytest.raises(NotImplementedError, match="ToyAdversarial.*evaluation_step"):
        model.evaluate((real, noise), batch_size=4, verbose=0)
    with pytest.raises(NotImplementedError, match="ToyAdversarial.*evaluation_step"):
        model.fit((real, noise), batch_size=4, validation_data=((real, noise),), verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer["generator"].iterations)) == 0
    # Refused before any work: the model still trains.
    assert np.isfinite(model.fit((real, noise), batch_size=4, verbose=0).history["d_loss"]).all()
