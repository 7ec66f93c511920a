"""Vid2Vid tab: make a label-map video (digits on a trajectory, or an uploaded
map sequence) and render it frame by frame with the exported generator."""

import os
import tempfile

import gradio as gr
import numpy as np

from keras_gen.apps.display import guarded
from keras_gen.apps.components import Number
from keras_gen.apps.inputs import parse_int
from keras_gen.data.moving_digits import bouncing_path

__all__ = ["TRAJECTORIES", "VideoDemo", "build", "digit_map_video"]

TRAJECTORIES = ("bounce", "horizontal", "vertical", "diagonal")
# Median ink box (width, height) of each MNIST digit at 28 px: the boxes of
# the maps the model was trained on look like these.
DIGIT_BOXES = {0: (19, 20), 1: (9, 20), 2: (20, 20), 3: (16, 20), 4: (16, 20), 5: (20, 20),
               6: (15, 20), 7: (16, 20), 8: (16, 20), 9: (14, 20)}
MAX_FRAMES = 64
MAX_DIGITS = 3


def digit_map_video(digits, trajectory, frames, size, seed=0):
    """A label-map video of digit boxes moving along a trajectory (as `moving_digits` draws).

    Args:
        digits: digit classes, e.g. `[3, 7]`.
        trajectory: one of `TRAJECTORIES` ("bounce": a random direction per digit).
        frames: number of frames.
        size: side of the square canvas.
        seed: seed of the starting points and bounce directions.

    Returns:
        uint8 maps `(frames, size, size)`: 0 background, `d + 1` in digit `d`'s box.
    """
    if trajectory not in TRAJECTORIES:
        raise gr.Error(f"Trajectory must be one of {', '.join(TRAJECTORIES)}; received {trajectory!r}.")
    tile = 28 if size >= 56 else size // 2
    limit, speed = size - tile, max(1, size // 32)
    rng = np.random.default_rng(seed)
    maps = np.zeros((frames, size, size), "uint8")
    for index, digit in enumerate(digits):
        width, height = (max(1, round(v * tile / 28)) for v in DIGIT_BOXES[digit])
        x0, y0 = (tile - width) // 2, (tile - height) // 2
        start = rng.integers(0, limit + 1, size=2)
        velocity = {"horizontal": (speed, 0), "vertical": (0, speed),
                    "diagonal": (speed, speed)}.get(trajectory)
        if velocity is None:
            velocity = rng.choice([-1, 1], size=2) * rng.integers(1, 2 * speed + 1, size=2)
        elif index % 2:  # a second digit goes the other way
            velocity = tuple(-v for v in velocity)
        for t, (x, y) in enumerate(bouncing_path(start, velocity, limit, frames)):
            maps[t, y + y0 : y + y0 + height, x + x0 : x + x0 + width] = digit + 1
    return maps


class VideoDemo:
    """What the video tab does, without the UI (testable directly)."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.artifact = bundle.artifacts.get("generator")
        names = {"map", "previous_maps", "previous_frames"}
        if self.artifact is None or set(self.artifact.inputs) != names:
            raise ValueError(f"Expected a Vid2Vid generator artifact (inputs {sorted(names)}) in "
                             f"{bundle.path}. Received parts: {sorted(bundle.artifacts)}")
        self.size, _, self.classes = self.artifact.input_shape("map")
        self.history = self.artifact.input_shape("previous_maps")[-1] // self.classes
        self.channels = self.artifact.input_shape("previous_frames")[-1] // self.history

    def _step(self, current, previous_maps, previous_frames):
        return self.artifact(map=current, previous_maps=previous_maps,
                             previous_frames=previous_frames)

    def render(self, maps):
        """Rolls the generator over `maps` `(T, S, S)`; returns the path of a GIF
        (maps | generated video)."""
        from keras_gen.models.vid2vid import rollout_video
        from keras_gen.utils.video_gif import color_maps
        from keras_gen.utils.video_gif import save_video_gif

        video = rollout_video(self._step, maps[None], self.classes, self.history,
                              self.channels)[0]
        handle, path = tempfile.mkstemp(suffix=".gif", prefix="keras-gen-video-")
        os.close(handle)
        return save_video_gif(path, [color_maps(maps, self.classes), video],
                              scale=max(1, 256 // self.size))

    def digits(self, text, trajectory, frames, seed):
        """Digits (e.g. "3 7") on a trajectory → GIF path."""
        if self.classes != 11:
            raise gr.Error("This model was not trained on moving digits (11 map classes): "
                           "upload a map sequence instead.")
        chosen = [part for part in str(text or "").replace(",", " ").split() if part]
        single = all(len(part) == 1 and part.isdigit() for part in chosen)
        if not chosen or len(chosen) > MAX_DIGITS or not single:
            raise gr.Error(f"Digits must be 1 to {MAX_DIGITS} single digits such as '3 7'; "
                           f"received {str(text)[:40]!r}.")
        frames = parse_int(frames, "Frames", max(2, self.history), MAX_FRAMES)
        seed = parse_int(seed, "Seed", 0, 2**31 - 1)
        return self.render(digit_map_video([int(p) for p in chosen], trajectory, frames,
                                           self.size, seed))

    def upload(self, path):
        """An uploaded `.npz` with `maps` `(T, S, S)` (or `(N, T, S, S)`: the first video) → GIF path."""
        if not path:
            raise gr.Error("Upload an .npz file holding an array 'maps' of class ids.")
        try:
            with np.load(path) as archive:
                maps = np.asarray(archive["maps"])
        except Exception as error:
            raise gr.Error("The upload must be an .npz file holding an array named 'maps'.") from error
        maps = maps[0] if maps.ndim == 4 else maps
        if maps.ndim != 3 or maps.shape[1:] != (self.size, self.size):
            raise gr.Error(f"'maps' must be shaped (frames, {self.size}, {self.size}); "
                           f"received {maps.shape}.")
        if not (max(2, self.history) <= len(maps) <= MAX_FRAMES):
            raise gr.Error(f"'maps' must have {max(2, self.history)} to {MAX_FRAMES} frames; "
                           f"received {len(maps)}.")
        if not np.issubdtype(maps.dtype, np.integer) or maps.min() < 0 or maps.max() >= self.classes:
            raise gr.Error(f"'maps' must hold integer class ids in [0, {self.classes - 1}].")
        return self.render(maps.astype("int64"))


def build(bundle, prefix):
    """Adds the video controls for `bundle`. Endpoints: `{prefix}_digits`, `{prefix}_upload`."""
    demo = VideoDemo(bundle)
    gr.Markdown(f"**{bundle.name}** — `{bundle.model_class}` from `{bundle.path}`, its per-frame "
                "generator served with ONNX Runtime: each frame is made from its label map, the "
                "maps before it and the frames it made before, so digits keep their look as they "
                "move.")
    with gr.Tab("Digits on a trajectory"):
        with gr.Row():
            digits = gr.Textbox(value="3 7", label=f"Digits (1 to {MAX_DIGITS})")
            trajectory = gr.Radio(list(TRAJECTORIES), value="bounce", label="Trajectory")
            frames = Number(value=16, label="Frames", precision=0, minimum=2, maximum=MAX_FRAMES)
            seed = Number(value=0, label="Seed", precision=0, minimum=0)
        button = gr.Button("Make the video", variant="primary", elem_id=f"{prefix}-digits-button")
        output = gr.Image(label="Maps | generated video (GIF)", type="filepath", format="gif",
                          elem_id=f"{prefix}-digits-output")
        button.click(guarded(demo.digits), [digits, trajectory, frames, seed], output,
                     api_name=f"{prefix}_digits")
    with gr.Tab("Upload a map sequence"):
        upload = gr.File(label=f".npz with 'maps' (frames, {demo.size}, {demo.size}) of class ids",
                         file_types=[".npz"], type="filepath")
        button = gr.Button("Render", variant="primary", elem_id=f"{prefix}-upload-button")
        output = gr.Image(label="Maps | generated video (GIF)", type="filepath", format="gif",
                          elem_id=f"{prefix}-upload-output")
        button.click(guarded(demo.upload), upload, output, api_name=f"{prefix}_upload")
    return demo
