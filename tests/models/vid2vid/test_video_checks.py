"""The checks Vid2Vid's `fit`, `evaluate` and `translate_video` run before any work."""

import numpy as np
import pytest

from keras_gen.models.vid2vid.video_checks import check_maps
from keras_gen.models.vid2vid.video_checks import check_video_data
from tests.models.vid2vid.common import SIZE
from tests.models.vid2vid.common import inputs
from tests.models.vid2vid.common import videos

CLASSES = 11


def _check(x, y, min_frames=3):
    return check_video_data(x, y, SIZE, CLASSES, channels=1, min_frames=min_frames,
                            reason="the generator's history")


def test_good_videos_are_converted():
    data = videos(count=2, frames=4)
    (checked, frames) = _check(inputs(data), data["frames"])
    assert checked["maps"].dtype == np.int32 and checked["flow"].dtype == np.float32
    assert set(np.unique(checked["visible"])) <= {0.0, 1.0} and frames.shape == (2, 4, SIZE, SIZE, 1)
    pixels = np.full((2, 4, SIZE, SIZE), 255, "uint8")  # uint8 frames without a channel axis
    (maps_only, rescaled) = _check(data["maps"], pixels)
    assert set(maps_only) == {"maps"} and rescaled.min() == 1.0
    without_visible, _ = _check({"maps": data["maps"], "flow": data["flow"]}, data["frames"])
    assert without_visible["visible"].shape == (2, 3, SIZE, SIZE) and without_visible["visible"].min() == 1.0
    assert _check(iter([]), None) is None  # a dataset: its batches are not checked here
    assert check_maps(data["maps"][0], SIZE, CLASSES, 3).shape == (1, 4, SIZE, SIZE)  # one video


def test_bad_videos_are_refused():
    data = videos(count=2, frames=4)
    x, frames = inputs(data), data["frames"]
    cases = [
        ((x, frames[:, :3]), "frames"),  # sequences of different lengths
        ((x, np.zeros((2, 4, 8, 8, 1), "float32")), "frames"),  # different sizes
        (({**x, "maps": data["maps"][:, :, :8, :8]}, frames), "maps"),
        (({k: v[:, :2] for k, v in x.items()}, frames[:, :2]), "at least 3 frames .the generator's history"),
        (({k: v[:, :1] for k, v in x.items()}, frames[:, :1]), "one frame"),
        (({**x, "maps": data["maps"] + 11}, frames), r"class ids in \[0, 10\]"),
        (({**x, "maps": data["maps"] + 0.5}, frames), "integer class ids"),
        (({**x, "flow": data["flow"][:, :2]}, frames), "flow"),
        (({**x, "flow": data["flow"][..., :1]}, frames), "flow"),
        (({**x, "flow": data["flow"] * np.nan}, frames), "finite"),
        (({**x, "visible": data["visible"][:, :, :4]}, frames), "visible"),
        (({"maps": data["maps"], "visible": data["visible"]}, frames), "x\\['flow'\\]"),
        ((x, frames * 3), r"\[-1, 1\]"),
        ((x, None), "y=None"),
        (({"maps": data["maps"], "depth": data["maps"]}, frames), "keys"),
    ]
    for (bad_x, bad_y), message in cases:
        with pytest.raises(ValueError, match=message):
            _check(bad_x, bad_y)
    with pytest.raises(ValueError, match=r"class ids in \[0, 10\]"):
        check_maps(np.full((3, SIZE, SIZE), 12), SIZE, CLASSES, 2)
