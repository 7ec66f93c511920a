import keras
import numpy as np
import pytest

from keras_gen.models import DBN
from tests.models.dbn.common import STEPS
from tests.models.dbn.common import trained


def test_generate_count_is_deprecated_for_sample(digits):
    dbn, _ = trained(digits[0][:100], epochs=1)
    with pytest.warns(DeprecationWarning, match="DBN.sample"):
        old = dbn.generate(3, gibbs_steps=5, seed=1)
    np.testing.assert_array_equal(old, dbn.sample(3, seed=1, gibbs_steps=5))


@pytest.mark.slow
def test_labelled_top_layer_samples_chosen_classes(digits):
    x, y = digits
    x = (x > 0.5).astype("float32")
    dbn = DBN([32, 64], num_classes=10, persistent=True, persistent_chains=50, visible_bias_init="data", seed=0)
    dbn.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.5), steps_per_execution=STEPS)
    dbn.fit(x, y, batch_size=20, epochs=(5, 10), verbose=0)
    top = dbn.rbms[-1]
    assert top.num_classes == 10 and top.visible_units == 42
    assert dbn.transform(x[:5]).shape == (5, 64)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dbn(x[:5])), dbn.transform(x[:5]), atol=1e-5)
    # A digit drawn with label k should look like a k to a classifier of the data.
    from sklearn.linear_model import LogisticRegression

    judge = LogisticRegression(max_iter=2000).fit(x, y)
    samples = dbn.sample(60, seed=0, gibbs_steps=200, label=np.repeat([0, 1, 6], 20))
    agreement = np.mean(judge.predict(samples) == np.repeat([0, 1, 6], 20))
    assert agreement > 0.3, agreement  # chance: 0.1
    assert dbn.sample(4, seed=0, gibbs_steps=5, label=2).shape == (4, 64)
    assert dbn.to_classifier(10).predict(x[:3], verbose=0).shape == (3, 10)


def test_samples_continue_the_top_rbms_persistent_chains():
    # Both layers join all their units by +10: all on or all off, never between, so a
    # sample shows which top chain it continued.
    dbn = DBN([4, 3], persistent=True, persistent_chains=2, seed=0)
    dbn.build((None, 6))
    for rbm, (visible, hidden) in zip(dbn.rbms, ((6, 4), (4, 3))):
        rbm.kernel.assign(np.full((visible, hidden), 10.0, "float32"))
        rbm.hidden_bias.assign(np.full(hidden, -5.0 * visible, "float32"))
        rbm.visible_bias.assign(np.full(visible, -5.0 * hidden, "float32"))
    top = dbn.rbms[-1]
    assert dbn.sample(4, seed=0, gibbs_steps=5).max() < 1e-6  # "auto" before training: the marginals (off)
    top.chains.assign(np.array([[0.0] * 4, [1.0] * 4], "float32"))
    top.chains_started.assign(1.0)
    samples = dbn.sample(5, seed=0, gibbs_steps=10)
    np.testing.assert_allclose(samples.mean(axis=1), [0, 1, 0, 1, 0], atol=1e-6)
    assert dbn.sample(5, seed=0, gibbs_steps=10, start="marginals").max() < 1e-6
    with pytest.raises(ValueError, match="start"):
        dbn.sample(2, start="data")
    contrastive = DBN([4, 3], seed=0)
    contrastive.build((None, 6))
    with pytest.raises(ValueError, match="persistent=False"):
        contrastive.sample(2, start="persistent")
