import os
import warnings

import numpy as np
import pytest
from PIL import Image

from keras_gen.data import load_paired
from keras_gen.data import load_unpaired
from keras_gen.data.image_pair_folders import folder_layout
from keras_gen.data.image_pair_folders import read_paired_folder
from keras_gen.data.image_pair_folders import read_unpaired_folder


def _write(folder, name, array):
    os.makedirs(folder, exist_ok=True)
    Image.fromarray(array).save(os.path.join(folder, name))
    return array


def _pixels(rng, height, width):
    return rng.integers(0, 256, (height, width, 3), dtype="uint8")


@pytest.fixture
def aligned(tmp_path):
    """train/ and test/ of side-by-side AB images, numbered so that 10 sorts after 2."""
    rng = np.random.default_rng(0)
    pairs = {}
    for split, count in (("train", 11), ("test", 3)):
        for number in range(1, count + 1):
            pairs[split, number] = _write(str(tmp_path / split), f"{number}.png",
                                          _pixels(rng, 4, 8))
    return str(tmp_path), pairs


def test_aligned_images_split_at_the_middle_in_natural_order(aligned):
    folder, pairs = aligned
    a, b, names = read_paired_folder(folder, "train")
    assert names[:3] == ["1.png", "2.png", "3.png"] and names[-1] == "11.png"
    np.testing.assert_array_equal(a[9], pairs["train", 10][:, :4])  # left half: A
    np.testing.assert_array_equal(b[9], pairs["train", 10][:, 4:])  # right half: B
    (x, y), (x_test, y_test) = load_paired(folder)
    assert x.shape == (11, 4, 4, 3) and x_test.shape == (3, 4, 4, 3)
    np.testing.assert_allclose(x[0], pairs["train", 1][:, :4] / 127.5 - 1.0, atol=1e-6)
    (x_r, y_r), _ = load_paired(folder, reverse=True)  # B -> A
    np.testing.assert_array_equal(x_r, y)


def test_parallel_folders_pair_by_name(tmp_path):
    rng = np.random.default_rng(1)
    for split in ("train", "test"):
        for name in ("b.png", "a.png"):
            _write(str(tmp_path / "A" / split), name, _pixels(rng, 5, 5))
            _write(str(tmp_path / "B" / split), name, _pixels(rng, 5, 5))
    a, b, names = read_paired_folder(str(tmp_path), "test")
    assert names == ["a.png", "b.png"] and folder_layout(str(tmp_path)) == "parallel"
    np.testing.assert_array_equal(b[1], np.asarray(Image.open(tmp_path / "B" / "test" / "b.png")))
    os.remove(tmp_path / "B" / "test" / "b.png")
    with pytest.raises(ValueError, match=r"pair by name.*'b.png'"):
        read_paired_folder(str(tmp_path), "test")


def test_unpaired_domains_and_their_sizes(tmp_path):
    rng = np.random.default_rng(2)
    for split, counts in (("train", (4, 6)), ("test", (2, 1))):
        for domain, count in zip("AB", counts):
            for i in range(count):
                _write(str(tmp_path / f"{split}{domain}"), f"{i}.jpg", _pixels(rng, 8, 12))
    a, b, names_a, names_b = read_unpaired_folder(str(tmp_path), "train")
    assert a.shape == (4, 8, 12, 3) and b.shape == (6, 8, 12, 3) and names_b[-1] == "5.jpg"
    (a, b), (a_test, b_test) = load_unpaired(str(tmp_path), image_size=6, crop=True, limit=3)
    assert a.shape == b.shape == (3, 6, 6, 3) and a_test.shape == (2, 6, 6, 3)
    assert b_test.shape == (1, 6, 6, 3) and -1.0 <= a.min() and a.max() <= 1.0


def test_the_loaders_say_when_they_split(tmp_path):
    rng = np.random.default_rng(3)
    for i in range(10):
        _write(str(tmp_path / "trainA"), f"{i}.png", _pixels(rng, 4, 4))
        _write(str(tmp_path / "trainB"), f"{i}.png", _pixels(rng, 4, 4))
    with pytest.warns(UserWarning, match=r"split 'train' is a fixed 80 % of its 10 samples \(8\)"):
        (a, b), (a_test, b_test) = load_unpaired(str(tmp_path))
    assert len(a) == len(b) == 8 and len(a_test) == len(b_test) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a folder with its test part splits nothing
        for i in range(2):
            _write(str(tmp_path / "testA"), f"{i}.png", _pixels(rng, 4, 4))
            _write(str(tmp_path / "testB"), f"{i}.png", _pixels(rng, 4, 4))
        (a, _), _ = load_unpaired(str(tmp_path))
    assert len(a) == 10


@pytest.mark.parametrize("make, message", [
    (lambda root: _write(os.path.join(root, "trainA"), "0.png", np.zeros((4, 4, 3), "uint8")),
     r"trainB/.*trainB' \(missing\)"),
    (lambda root: _write(os.path.join(root, "train"), "0.png", np.zeros((4, 7, 3), "uint8")),
     r"even width.*0.png' of width 7"),
    (lambda root: [_write(os.path.join(root, "train"), f"{i}.png", np.zeros((4, 4 + 4 * i, 3), "uint8"))
                   for i in range(2)], r"one size.*image_size=None.*2x4 \(0.png\), 4x4 \(1.png\)"),
    (lambda root: os.makedirs(os.path.join(root, "empty")), "image-to-image folder"),
])
def test_bad_folders_say_which_path(tmp_path, make, message):
    make(str(tmp_path))
    with pytest.raises(ValueError, match=message):
        read_paired_folder(str(tmp_path), "train") if "trainB" not in message else load_unpaired(
            str(tmp_path))


def test_every_loader_honours_keras_gen_data(aligned, monkeypatch, tmp_path):
    folder, _ = aligned
    arrays = np.zeros((2, 4, 4, 3), "uint8")
    np.savez(tmp_path / "pairs.npz", inputs_train=arrays, targets_train=arrays,
             inputs_test=arrays, targets_test=arrays)
    monkeypatch.setenv("KERAS_GEN_DATA", os.path.dirname(folder))
    monkeypatch.chdir("/")
    name = os.path.basename(folder)
    (x, _), _ = load_paired(f"{name}/pairs.npz")  # like load_dataset("mnist.npz")
    assert x.shape == (2, 4, 4, 3)
    (x, _), _ = load_paired(name)  # a folder is found there too
    assert x.shape == (11, 4, 4, 3)
