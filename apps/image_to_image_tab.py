"""Pix2Pix / CycleGAN tab: translate an uploaded label map or photo, or an
example from the test set, with the exported generator(s)."""

import os
import tempfile

import gradio as gr
import numpy as np
from PIL import Image

from apps.display import LOG
from apps.display import grid
from apps.display import guarded
from apps.inputs import Number
from apps.inputs import ImageUpload
from apps.inputs import parse_int
from apps.inputs import to_model_image

__all__ = ["ImageToImageDemo", "build"]

EXAMPLES = 6


class ImageToImageDemo:
    """What the image-to-image tab does, without the UI (testable directly).

    Each exported part whose input is an image is a direction (Pix2Pix has
    one, `generator`; a CycleGAN exports one per direction).
    """

    def __init__(self, bundle):
        self.bundle = bundle
        self.directions = {
            name: artifact for name, artifact in bundle.artifacts.items()
            if len(artifact.inputs) == 1
            and next(iter(artifact.inputs.values())).get("distribution") == "image"
            and len(artifact.output_shape) == 3
        }
        if not self.directions:
            raise ValueError(f"Expected an image-to-image artifact in {bundle.path}. "
                             f"Received parts: {sorted(bundle.artifacts)}")
        self.test_pairs = self._load_test_pairs()

    def _load_test_pairs(self):
        data = self.bundle.data
        if not data or not str(data).endswith(".npz") or not os.path.isfile(data):
            return None
        try:
            from keras_gen.data import load_paired

            _, (inputs, targets) = load_paired(data, limit=EXAMPLES, seed=0)
        except Exception as error:  # unpaired or unreadable: no examples, uploads still work
            LOG.warning("no test examples from %r: %s", data, error)
            return None
        return inputs, targets

    def _artifact(self, direction):
        if direction not in self.directions:
            raise gr.Error(f"Direction must be one of {sorted(self.directions)}; received {direction!r}.")
        return self.directions[direction]

    def _run(self, artifact, image):
        name = next(iter(artifact.inputs))
        return artifact(**{name: image[None]})[0]

    def _range(self, artifact):
        return next(iter(artifact.inputs.values())).get("range") or (-1.0, 1.0)

    def translate(self, upload, direction=None):
        """The upload at the model's size | its translation."""
        direction = direction or next(iter(self.directions))
        artifact = self._artifact(direction)
        height, width, channels = artifact.input_shape()
        image = to_model_image(upload, height, width, channels, self._range(artifact), name="upload")
        output = self._run(artifact, image)
        return (grid(image[None], self._range(artifact), min_tile=256),
                grid(output[None], artifact.output_range, min_tile=256))

    def example(self, index, direction=None):
        """Test example `index`: input | translation | ground truth."""
        if self.test_pairs is None:
            raise gr.Error("No test examples: the run's paired .npz data was not found on this machine.")
        inputs, targets = self.test_pairs
        index = parse_int(index, "Example", 0, len(inputs) - 1)
        direction = direction or next(iter(self.directions))
        artifact = self._artifact(direction)
        height, width, _ = artifact.input_shape()
        source = inputs[index]
        if source.shape[:2] != (height, width):
            from keras_gen.data import resize_images

            source = resize_images(source[None], (height, width))[0]
            target = resize_images(targets[index][None], (height, width))[0]
        else:
            target = targets[index]
        output = self._run(artifact, source.astype("float32"))
        return grid(np.stack([source, output, target]), (-1.0, 1.0), columns=3, min_tile=256)

    def example_files(self):
        """Test inputs written as PNGs, for `gr.Examples` (None without test data)."""
        if self.test_pairs is None:
            return None
        folder = tempfile.mkdtemp(prefix="keras-gen-examples-")
        paths = []
        for index, image in enumerate(self.test_pairs[0]):
            path = os.path.join(folder, f"test_{index}.png")
            Image.fromarray(((np.clip(image, -1, 1) + 1) * 127.5).round().astype("uint8")).save(path)
            paths.append(path)
        return paths


def build(bundle, prefix):
    """Adds the image-to-image controls for `bundle`.

    Endpoints: `{prefix}_translate`, `{prefix}_example`.
    """
    demo = ImageToImageDemo(bundle)
    gr.Markdown(f"**{bundle.name}** — `{bundle.model_class}` from `{bundle.path}`, generator served "
                "with ONNX Runtime. Upload a facade label map (or a photo, for the reverse "
                "direction) of any size; it is resized to the model's input.")
    direction = gr.Radio(sorted(demo.directions), value=next(iter(demo.directions)), label="Direction",
                         visible=len(demo.directions) > 1)
    with gr.Tab("Translate an upload"):
        upload = ImageUpload(label="Upload",
                          elem_id=f"{prefix}-upload")
        button = gr.Button("Translate", variant="primary", elem_id=f"{prefix}-translate-button")
        with gr.Row():
            seen = gr.Image(label="Input at the model's size", type="numpy", format="png")
            output = gr.Image(label="Translation", type="numpy", format="png", elem_id=f"{prefix}-translate-output")
        button.click(guarded(demo.translate), [upload, direction], [seen, output], api_name=f"{prefix}_translate")
        files = demo.example_files()
        if files:
            gr.Examples(files, inputs=upload, label="Test-set inputs (click one, then Translate)")
    with gr.Tab("Test-set examples"):
        if demo.test_pairs is None:
            gr.Markdown("No test examples: the run's paired `.npz` data is not on this machine.")
        with gr.Row():
            index = Number(value=0, label="Example #", precision=0, minimum=0)
            button = gr.Button("Translate test example", variant="primary", elem_id=f"{prefix}-example-button")
        output = gr.Image(label="Input | translation | ground truth", type="numpy", format="png",
                          elem_id=f"{prefix}-example-output")
        button.click(guarded(demo.example), [index, direction], output, api_name=f"{prefix}_example")
    return demo
