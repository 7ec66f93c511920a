"""The Vid2Vid tab: digits on a trajectory and uploaded map sequences, through the
launched demo (the quick default Vid2Vid, 16 px), good and bad input."""

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("gradio_client")
from gradio_client import handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from keras_gen.apps.video_tab import TRAJECTORIES  # noqa: E402
from keras_gen.apps.video_tab import digit_map_video  # noqa: E402

pytestmark = pytest.mark.backends("tensorflow", reason="the demo serves backend-independent ONNX artifacts")


def video_size(demo_bundles):
    bundle = next(b for b in demo_bundles[0] if b.family == "video")
    return bundle.artifacts["generator"].input_shape("map")[0]


@pytest.mark.parametrize("trajectory", TRAJECTORIES)
def test_digit_map_video_moves_boxes_inside_the_canvas(trajectory):
    maps = digit_map_video([1, 8], trajectory, frames=12, size=64, seed=3)
    assert maps.shape == (12, 64, 64) and set(np.unique(maps)) <= {0, 2, 9}
    assert (maps == 2).any(axis=(1, 2)).any() and (maps == 9).any(axis=(1, 2)).any()
    centers = [np.argwhere(frame == 2).mean(axis=0) for frame in maps if (frame == 2).any()]
    assert np.abs(np.diff(centers, axis=0)).max() > 0  # the box moves
    # A "1" is narrower than an "8", as MNIST's are.
    first = maps[0]
    assert np.ptp(np.nonzero(first == 2)[1]) < np.ptp(np.nonzero(first == 9)[1])


def gif_frames(path):
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB")))
    return frames


def test_digits_endpoint(client, demo_bundles):
    frames = gif_frames(client.predict("3 7", "diagonal", 6, 1, api_name="/video_digits"))
    assert len(frames) == 6
    assert any(not np.array_equal(frames[0], frame) for frame in frames[1:])  # it moves
    again = gif_frames(client.predict("3 7", "diagonal", 6, 1, api_name="/video_digits"))
    np.testing.assert_array_equal(frames[-1], again[-1])


def test_upload_endpoint(client, demo_bundles, tmp_path):
    size = video_size(demo_bundles)
    path = str(tmp_path / "maps.npz")
    np.savez(path, maps=digit_map_video([5], "bounce", 5, size, seed=0))
    assert len(gif_frames(client.predict(handle_file(path), api_name="/video_upload"))) == 5


@pytest.mark.parametrize("arguments, message", [
    (("3 x", "bounce", 6, 0), "single digits"),
    (("1 2 3 4", "bounce", 6, 0), "single digits"),
    (("3", "bounce", 1, 0), "Frames"),
    # Gradio checks a Radio's choices itself before the handler's own check.
    (("3", "spiral", 6, 0), "Trajectory|'spiral'.* not in the list of choices"),
])
def test_bad_digit_requests(client, arguments, message):
    with pytest.raises(AppError, match=message):
        client.predict(*arguments, api_name="/video_digits")


def test_bad_uploads(client, demo_bundles, tmp_path):
    size = video_size(demo_bundles)
    path = str(tmp_path / "maps.npz")
    for maps, message in [(np.full((4, size, size), 40, "uint8"), "class ids"),
                          (np.zeros((1, size, size), "uint8"), "frames"),
                          (np.zeros((4, size + 1, size + 1), "uint8"), "shaped")]:
        np.savez(path, maps=maps)
        with pytest.raises(AppError, match=message):
            client.predict(handle_file(path), api_name="/video_upload")
    np.savez(path, other=np.zeros(3))
    with pytest.raises(AppError, match="'maps'"):
        client.predict(handle_file(path), api_name="/video_upload")
    assert len(gif_frames(client.predict("0", "vertical", 3, 0, api_name="/video_digits"))) == 3
