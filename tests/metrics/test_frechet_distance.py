import keras
import numpy as np
import pytest

from keras_gen.metrics.frechet_distance import fid_score
from keras_gen.metrics.frechet_distance import frechet_distance


def test_matches_the_closed_form_for_gaussians():
    rng = np.random.default_rng(0)
    d, mu, s = 4, np.array([1.0, 2.0, 0.0, 0.0]), 2.0
    a = rng.normal(size=(20000, d))
    b = mu + s * rng.normal(size=(20000, d))
    expected = mu @ mu + d * (1 + s * s - 2 * s)
    assert frechet_distance(a, b) == pytest.approx(expected, rel=0.03)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_singular_covariances_stay_finite():
    rng = np.random.default_rng(0)
    a = np.c_[rng.normal(size=(50, 1)), np.zeros((50, 2))]
    assert np.isfinite(frechet_distance(a, a + 1.0))


def test_any_feature_model(backend):
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(64, 4, 4, 1)).astype("float32")
    assert fid_score(images, images, model) == pytest.approx(0.0, abs=1e-6)
    assert fid_score(images, images * 0.5, model) > 0.01


def test_shipped_classifier_separates_domains(shared_data, backend):
    with np.load(f"{shared_data}/mnist.npz") as data:
        digits = data["x_test"][:1200] / 255.0
    with np.load(f"{shared_data}/fashion_mnist.npz") as data:
        clothes = data["x_test"][:600] / 255.0
    same = fid_score(digits[:600], digits[600:], "mnist")
    other = fid_score(digits[:600], clothes, "mnist")
    assert other > 10 * same
    # Images in [-1, 1] give the same score when the range is declared.
    assert fid_score(digits[:600] * 2 - 1, digits[600:] * 2 - 1, "mnist",
                     value_range=(-1, 1)) == pytest.approx(same, rel=1e-4)


def test_bad_inputs(backend):
    with pytest.raises(ValueError, match="real_features"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="same size"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="feature_model='cifar10'"):
        fid_score(np.zeros((4, 28, 28)), np.zeros((4, 28, 28)), "cifar10")
    with pytest.raises(ValueError, match="one image shape"):
        fid_score(np.zeros((4, 28, 28, 1)), np.zeros((4, 32, 32, 1)), "mnist")


def test_the_readme_mistake_is_refused(backend):
    # Samples of a tanh generator in [-1, 1] against test images in [0, 1]:
    # both lie in the declared range, but not in one range.
    rng = np.random.default_rng(0)
    test_images = rng.uniform(0, 1, (8, 28, 28, 1))
    samples = rng.uniform(-1, 1, (8, 28, 28, 1))
    with pytest.raises(ValueError, match=r"share a value range.*real_images values in \[.*"
                                         r"looks like \[0, 1\].*generated_images.*looks like \[-1, 1\]"):
        fid_score(test_images, samples, "mnist", value_range=(-1, 1))
    with pytest.raises(ValueError, match=r"generated_images` values in value_range=\(0, 1\)"):
        fid_score(test_images, samples, "mnist")


def test_other_image_shapes_use_the_shipped_net_resized(backend):
    rng = np.random.default_rng(0)
    colour = rng.uniform(size=(6, 32, 32, 3)).astype("float32")
    assert fid_score(colour, colour, "mnist") == pytest.approx(0.0, abs=1e-6)
    assert fid_score(colour, colour * 0.2, "mnist") > 0.0


def test_metric_equals_the_numpy_score(backend):
    from keras_gen.data.digits import load_digits
    from keras_gen.metrics.frechet_distance import FrechetDistance

    digits = load_digits(limit=64)[0]
    fid = FrechetDistance("mnist", image_shape=(8, 8, 1), value_range=(0, 1))
    fid.update_state(digits[:16], digits[32:48])
    fid.update_state(digits[16:32], digits[48:])
    assert fid.result() == pytest.approx(fid_score(digits[:32], digits[32:], "mnist"), rel=1e-5)
