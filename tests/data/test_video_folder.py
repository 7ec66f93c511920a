import os

import numpy as np
import pytest
from PIL import Image

from keras_gen.data import load_digits
from keras_gen.data import load_video_folder
from keras_gen.data import load_video_npz
from keras_gen.data import moving_digits
from keras_gen.data import video_windows


def write_video(root, name, length, size=8, frames=True, rgb=False):
    for t in range(length):
        for kind in ("maps",) + (("frames",) if frames else ()):
            folder = os.path.join(root, kind, name)
            os.makedirs(folder, exist_ok=True)
            value = t if kind == "maps" else 40 * t
            pixels = np.full((size, size, 3) if rgb and kind == "frames" else (size, size),
                             value, "uint8")
            Image.fromarray(pixels).save(os.path.join(folder, f"{t:04d}.png"))


def test_folder_of_videos(tmp_path):
    write_video(str(tmp_path), "a", 4, rgb=True)
    write_video(str(tmp_path), "b", 4, rgb=True)
    data = load_video_folder(str(tmp_path))
    assert data["maps"].shape == (2, 4, 8, 8) and data["frames"].shape == (2, 4, 8, 8, 3)
    assert data["videos"] == ["a", "b"]
    assert data["maps"][0, :, 0, 0].tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(data["frames"][1, 2, 0, 0], 80 / 127.5 - 1.0)


def test_windows_and_resizing(tmp_path):
    write_video(str(tmp_path), "a", 5)
    write_video(str(tmp_path), "b", 7)
    data = load_video_folder(str(tmp_path), image_size=4, color_mode="grayscale", length=3,
                             stride=2)
    # a: starts 0, 2; b: starts 0, 2, 4.
    assert data["maps"].shape == (5, 3, 4, 4) and data["frames"].shape == (5, 3, 4, 4, 1)
    assert data["maps"][:, 0, 0, 0].tolist() == [0, 2, 0, 2, 4]
    with pytest.raises(ValueError, match="one length"):
        load_video_folder(str(tmp_path))


def test_maps_only_single_video(tmp_path):
    write_video(str(tmp_path), "", 3, frames=False)
    data = load_video_folder(str(tmp_path))
    assert set(data) == {"maps", "videos"} and data["maps"].shape == (1, 3, 8, 8)


def test_bad_folders(tmp_path):
    root = str(tmp_path)
    with pytest.raises(ValueError, match="maps/"):
        load_video_folder(root)
    write_video(root, "a", 3)
    os.remove(os.path.join(root, "frames", "a", "0001.png"))
    with pytest.raises(ValueError, match="unmatched files.*0001.png"):
        load_video_folder(root)
    write_video(root, "a", 3)
    write_video(root, "c", 1)
    with pytest.raises(ValueError, match="at least 2 frames.*'c'"):
        load_video_folder(root)


def test_color_map_is_refused(tmp_path):
    write_video(str(tmp_path), "a", 2)
    Image.fromarray(np.zeros((8, 8, 3), "uint8")).save(
        os.path.join(str(tmp_path), "maps", "a", "0000.png"))
    with pytest.raises(ValueError, match="single-channel"):
        load_video_folder(str(tmp_path))


def test_npz_round_trip_of_moving_digits(tmp_path):
    data = moving_digits(count=2, frames=6, size=16, source=load_digits(), seed=0)
    path = str(tmp_path / "videos.npz")
    np.savez(path, **data)
    loaded = load_video_npz(path)
    for key in data:
        np.testing.assert_array_equal(loaded[key], data[key])
    windows = load_video_npz(path, length=3)
    assert windows["maps"].shape == (4, 3, 16, 16) and windows["flow"].shape == (4, 2, 16, 16, 2)
    assert windows["labels"].shape == (4, 2)
    np.testing.assert_array_equal(windows["flow"][1], data["flow"][0, 3:5])


def test_bad_npz(tmp_path):
    path = str(tmp_path / "bad.npz")
    np.savez(path, frames=np.zeros((1, 3, 4, 4)))
    with pytest.raises(ValueError, match="'maps'"):
        load_video_npz(path)
    np.savez(path, maps=np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="frames >= 2"):
        load_video_npz(path)
    np.savez(path, maps=np.zeros((1, 3, 4, 4)), frames=np.zeros((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="frames"):
        load_video_npz(path)
    with pytest.raises(ValueError, match="path"):
        load_video_npz(str(tmp_path / "missing.npz"))
    with pytest.raises(ValueError, match="length"):
        video_windows({"maps": np.zeros((1, 3, 4, 4))}, length=4)
