import os

import keras
import numpy as np
import pytest

from keras_gen.data import load_paired
from keras_gen.data import load_unpaired
from keras_gen.data import random_jitter
from keras_gen.data import resize_images


def test_load_paired_shared_facades(shared_data):
    path = os.path.join(shared_data, "facades_128.npz")
    (x_train, y_train), (x_test, y_test) = load_paired(path, limit=4)
    assert x_train.shape == y_train.shape == x_test.shape == (4, 128, 128, 3)
    assert x_train.dtype == np.float32
    assert x_train.min() >= -1.0 and y_train.max() <= 1.0 and y_train.min() < -0.5
    (r_train, s_train), _ = load_paired(path, reverse=True, limit=4)
    np.testing.assert_array_equal(r_train, y_train)
    np.testing.assert_array_equal(s_train, x_train)


def test_load_unpaired_shared_facades(shared_data):
    (a_train, b_train), (a_test, b_test) = load_unpaired(
        os.path.join(shared_data, "cyclegan_facades_128.npz"), limit=3)
    assert a_train.shape == b_train.shape == a_test.shape == b_test.shape == (3, 128, 128, 3)
    assert a_train.min() >= -1.0 and b_test.max() <= 1.0


def test_layout_mismatch_names_the_right_loader(tmp_path):
    path = os.path.join(tmp_path, "pairs.npz")
    images = np.zeros((2, 4, 4, 3), "uint8")
    np.savez(path, inputs_train=images, targets_train=images, inputs_test=images,
             targets_test=images)
    with pytest.raises(ValueError, match="paired archive.*load_paired"):
        load_unpaired(path)
    unpaired = os.path.join(tmp_path, "domains.npz")
    np.savez(unpaired, a_train=images, b_train=images, a_test=images, b_test=images)
    with pytest.raises(ValueError, match="unpaired archive.*load_unpaired"):
        load_paired(unpaired)


def test_unequal_paired_sizes_are_refused(tmp_path):
    path = os.path.join(tmp_path, "pairs.npz")
    small, large = np.zeros((2, 4, 4, 3), "uint8"), np.zeros((2, 8, 8, 3), "uint8")
    np.savez(path, inputs_train=small, targets_train=large, inputs_test=small, targets_test=large)
    with pytest.raises(ValueError, match="share size and channels"):
        load_paired(path)


def test_resize_matches_keras_bilinear():
    images = np.random.default_rng(0).random((2, 8, 6, 3)).astype("float32")
    ours = resize_images(images, (11, 9))
    theirs = keras.ops.convert_to_numpy(
        keras.ops.image.resize(images, (11, 9), interpolation="bilinear", antialias=False))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_allclose(resize_images(images, (8, 6)), images, atol=1e-6)


def test_jitter_keeps_pairs_aligned_and_is_seeded():
    rng = np.random.default_rng(1)
    inputs = rng.random((16, 12, 12, 3)).astype("float32")
    targets = inputs[..., :1] * 2.0  # a per-pixel function of the input
    a, b = random_jitter(inputs, targets, seed=5)
    assert a.shape == inputs.shape and b.shape == targets.shape
    np.testing.assert_allclose(b, a[..., :1] * 2.0, atol=1e-5)
    again, _ = random_jitter(inputs, targets, seed=5)
    np.testing.assert_array_equal(a, again)
    other = random_jitter(inputs, seed=6)
    assert not np.allclose(a, other)


def test_jitter_is_a_crop_of_the_resized_image():
    image = np.random.default_rng(2).random((1, 8, 8, 1)).astype("float32")
    big = resize_images(image, 10)
    out = random_jitter(image, jitter_size=10, mirror=False, seed=0)
    crops = [big[0, top : top + 8, left : left + 8] for top in range(3) for left in range(3)]
    assert any(np.allclose(out[0], crop) for crop in crops)


def test_mirror_only_flips():
    image = np.arange(2 * 4 * 4).reshape(2, 4, 4, 1).astype("float32")
    seen = set()
    for seed in range(8):
        out = random_jitter(image, jitter_size=4, seed=seed)
        for i in range(2):
            if np.array_equal(out[i], image[i]):
                seen.add("same")
            else:
                np.testing.assert_array_equal(out[i], image[i, :, ::-1])
                seen.add("flipped")
    assert seen == {"same", "flipped"}


def test_jitter_bad_input():
    for batches, kwargs, pattern in [
        ((np.zeros((2, 8, 8, 3)), np.zeros((2, 6, 6, 3))), {}, "share count, height and width"),
        ((np.zeros((8, 8, 3)),), {}, "batch of images"),
        ((np.zeros((2, 8, 8, 3)),), {"jitter_size": 4}, "jitter_size=4"),
        ((np.zeros((2, 8, 8, 3)),), {"jitter_size": "big"}, "jitter_size='big'"),
        ((np.array([[[["x"]]]]),), {}, "hold numbers"),
        ((), {}, "at least one"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            random_jitter(*batches, **kwargs)
