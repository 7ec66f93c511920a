import keras
import numpy as np
import pytest

from keras_gen.models.cyclegan import LinearDecaySchedule


def test_learning_rate_decays_over_second_half():
    schedule = LinearDecaySchedule(1.0, total_steps=10)
    rates = [float(keras.ops.convert_to_numpy(schedule(step))) for step in range(11)]
    np.testing.assert_allclose(rates[:6], 1.0)
    np.testing.assert_allclose(rates[5:], np.linspace(1.0, 0.0, 6), atol=1e-6)
    restored = LinearDecaySchedule.from_config(schedule.get_config())
    assert restored.decay_start == 5
    with pytest.raises(ValueError, match="decay_start"):
        LinearDecaySchedule(1.0, total_steps=10, decay_start=10)
