import keras
import numpy as np
import pytest

from keras_gen.metrics.kernel_inception_distance import kernel_distance
from keras_gen.metrics.kernel_inception_distance import kid_score


def test_unbiased_near_zero_for_one_distribution_and_grows_with_shift():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, _ = kernel_distance(a, b, subsets=20, subset_size=300)
    shifted, _ = kernel_distance(a, b + 0.5, subsets=20, subset_size=300)
    near, _ = kernel_distance(a, b + 0.1, subsets=20, subset_size=300)
    assert abs(same) < 0.05
    assert shifted > near > same


def test_any_feature_model(backend):
    model = keras.Sequential([keras.Input((3, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(4)])
    x = np.random.default_rng(0).uniform(size=(100, 3, 2, 1)).astype("float32")
    mean, std = kid_score(x, x * 0.1, model, subsets=5, subset_size=50)
    assert mean > 0 and std >= 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="subset_size"):
        kernel_distance(np.zeros((5, 2)), np.zeros((5, 2)), subset_size=1)
    with pytest.raises(ValueError, match="same size"):
        kernel_distance(np.zeros((5, 2)), np.zeros((5, 3)))


def _digits(count):
    from keras_gen.data.digits import load_digits

    return load_digits(limit=count)[0] * 2.0 - 1.0  # (count, 8, 8, 1) in [-1, 1]


@pytest.mark.slow
def test_model_checkpoint_keeps_the_best_kid_dcgan(tmp_path, backend):
    from keras_gen.metrics.feature_model import load_feature_model
    from keras_gen.metrics.kernel_inception_distance import KernelInceptionDistance
    from keras_gen.models import load_model
    from keras_gen.models.gan import DCGAN

    digits = _digits(192)
    x_train, x_val = digits[:128], digits[128:]
    z_val = np.random.default_rng(1).standard_normal((64, 4)).astype("float32")
    features = load_feature_model("mnist", (8, 8, 1))
    kid = KernelInceptionDistance(features, subsets=5, subset_size=32)
    gan = DCGAN((8, 8, 1), latent_dim=4, base_filters=4, seed=0)
    gan.compile(metrics=[kid])
    path = str(tmp_path / "best.keras")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_kid", mode="min",
                                                 save_best_only=True)
    history = gan.fit(x_train, batch_size=32, epochs=5, verbose=0, callbacks=[checkpoint],
                      validation_data=((x_val, z_val),)).history
    scores = history["val_kid"]
    assert len(scores) == 5 and np.all(np.isfinite(scores))

    def kid_of(model):  # the NumPy definition, on the same images and noise
        return kid_score(x_val, model.generate(z_val), features, (-1, 1), subsets=5,
                         subset_size=32)[0]

    assert kid_of(gan) == pytest.approx(scores[-1], rel=1e-4, abs=1e-6)
    best = load_model(path)
    assert kid_of(best) == pytest.approx(min(scores), rel=1e-4, abs=1e-6)
    # evaluate() reports it too, as a value of the returned dict.
    assert gan.evaluate((x_val, z_val), verbose=0, return_dict=True)["kid"] == pytest.approx(
        scores[-1], rel=1e-4, abs=1e-6)
