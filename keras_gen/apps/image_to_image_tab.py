"""Pix2Pix / CycleGAN tab: translate an uploaded label map or photo, or an
example from the test set, with the exported generator(s)."""

import os
import tempfile

import gradio as gr
import numpy as np
from PIL import Image

from keras_gen.apps.display import LOG
from keras_gen.apps.display import grid
from keras_gen.apps.display import guarded
from keras_gen.apps.inputs import Number
from keras_gen.apps.inputs import ImageUpload
from keras_gen.apps.inputs import parse_int
from keras_gen.apps.inputs import to_model_image

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
        self.examples = self._load_examples()

    def _load_examples(self):
        """`{direction: (inputs, targets or None)}` from the run's test split."""
        data = self.bundle.data
        if not data or not str(data).endswith(".npz") or not os.path.isfile(data):
            return {}
        from keras_gen.data import load_paired
        from keras_gen.data import load_unpaired
        from keras_gen.data import npz_layout

        try:
            with np.load(data) as archive:
                layout = npz_layout(archive.files)
            if layout == "paired":
                _, (inputs, targets) = load_paired(data, limit=EXAMPLES, seed=0)
                return {name: (inputs, targets) for name in self.directions if name == "generator"}
            _, (domain_a, domain_b) = load_unpaired(data, limit=EXAMPLES, seed=0)
        except Exception as error:  # unreadable: no examples, uploads still work
            LOG.warning("no test examples from %r: %s", data, error)
            return {}
        sources = {"generator": domain_a, "generator_reverse": domain_b}
        return {name: (sources[name], None) for name in self.directions if name in sources}

    def direction_label(self, name):
        description = next(iter(self.directions[name].inputs.values())).get("description") or ""
        return f"{name}: {description}" if description else name

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
        """Test example `index`: input | translation (| ground truth for paired data)."""
        direction = direction or next(iter(self.directions))
        artifact = self._artifact(direction)
        if direction not in self.examples:
            raise gr.Error("No test examples: the run's .npz data was not found on this machine.")
        inputs, targets = self.examples[direction]
        index = parse_int(index, "Example", 0, len(inputs) - 1)
        height, width, _ = artifact.input_shape()
        shown = [inputs[index]] + ([] if targets is None else [targets[index]])
        if shown[0].shape[:2] != (height, width):
            from keras_gen.data import resize_images

            shown = [resize_images(image[None], (height, width))[0] for image in shown]
        output = self._run(artifact, shown[0].astype("float32"))
        shown.insert(1, output)
        return grid(np.stack(shown), (-1.0, 1.0), columns=len(shown), min_tile=256)

    def example_files(self, direction):
        """Test inputs of `direction` written as PNGs, for `gr.Examples` (None without data)."""
        if direction not in self.examples:
            return None
        folder = tempfile.mkdtemp(prefix="keras-gen-examples-")
        paths = []
        for index, image in enumerate(self.examples[direction][0]):
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
    direction = gr.Radio([(demo.direction_label(name), name) for name in demo.directions],
                         value=next(iter(demo.directions)), label="Direction",
                         visible=len(demo.directions) > 1)
    with gr.Tab("Translate an upload"):
        upload = ImageUpload(label="Upload",
                          elem_id=f"{prefix}-upload")
        button = gr.Button("Translate", variant="primary", elem_id=f"{prefix}-translate-button")
        with gr.Row():
            seen = gr.Image(label="Input at the model's size", type="numpy", format="png")
            output = gr.Image(label="Translation", type="numpy", format="png", elem_id=f"{prefix}-translate-output")
        button.click(guarded(demo.translate), [upload, direction], [seen, output], api_name=f"{prefix}_translate")
        files = demo.example_files(next(iter(demo.directions)))
        if files:
            gr.Examples(files, inputs=upload, label="Test-set inputs (click one, then Translate)")
    with gr.Tab("Test-set examples"):
        if not demo.examples:
            gr.Markdown("No test examples: the run's `.npz` data is not on this machine.")
        with gr.Row():
            index = Number(value=0, label="Example #", precision=0, minimum=0)
            button = gr.Button("Translate test example", variant="primary", elem_id=f"{prefix}-example-button")
        output = gr.Image(label="Input | translation | ground truth (paired data)", type="numpy", format="png",
                          elem_id=f"{prefix}-example-output")
        button.click(guarded(demo.example), [index, direction], output, api_name=f"{prefix}_example")
    return demo
