"""Pix2Pix / CycleGAN tab: translate an uploaded label map or photo, or an
example from the test set, with the exported generator(s)."""

import os
import tempfile

import gradio as gr
import numpy as np
from PIL import Image

from keras_gen.apps.components import Number
from keras_gen.apps.components import cache_bytes
from keras_gen.apps.components import image_upload
from keras_gen.apps.components import picture
from keras_gen.apps.display import LOG
from keras_gen.apps.display import grid
from keras_gen.apps.display import WORKERS
from keras_gen.apps.display import guarded
from keras_gen.apps.inputs import parse_int
from keras_gen.apps.inputs import to_model_image

__all__ = ["ImageToImageDemo", "build"]

EXAMPLES = 6
# What the two domains of the shipped data sets hold (file name → (A, B)),
# so directions read "label map → photo" rather than "domain A → domain B".
DOMAINS = {"facades_128": ("label map", "photo"), "cyclegan_facades_128": ("photo", "label map")}


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

    def domains(self):
        """Names of the `(source, target)` of the `generator` direction."""
        stem = os.path.splitext(os.path.basename(str(self.bundle.data or "")))[0]
        default = ("domain A", "domain B") if "generator_reverse" in self.directions else ("input", "output")
        source, target = DOMAINS.get(stem, default)
        if (self.bundle.record.get("args") or {}).get("reverse"):
            source, target = target, source
        return source, target

    def direction_label(self, name):
        """"label map → photo": what `name` translates, in words."""
        source, target = self.domains()
        return f"{target} → {source}" if name == "generator_reverse" else f"{source} → {target}"

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
        """Test inputs of `direction` as PNG files for `gr.Examples` (None without data).

        Stored once per content under the temporary folder, so relaunches reuse them.
        """
        if direction not in self.examples:
            return None
        import io

        folder = os.path.join(tempfile.gettempdir(), "keras-gen-examples")
        paths = []
        for image in self.examples[direction][0]:
            buffer = io.BytesIO()
            Image.fromarray(((np.clip(image, -1, 1) + 1) * 127.5).round().astype("uint8")).save(buffer, "PNG")
            paths.append(cache_bytes(buffer.getvalue(), folder, ".png"))
        return paths


def build(bundle, prefix):
    """Adds the image-to-image controls for `bundle`.

    Endpoints: `{prefix}_translate`, `{prefix}_example`.
    """
    demo = ImageToImageDemo(bundle)
    first = next(iter(demo.directions))
    source, _ = demo.domains()
    gr.Markdown(f"**{bundle.name}**: translates {demo.direction_label(first)}"
                + (" and back" if len(demo.directions) > 1 else "")
                + ". Uploads of any size are resized to the model's input.")
    direction = gr.Radio([(demo.direction_label(name), name) for name in demo.directions],
                         value=first, label="Direction", visible=len(demo.directions) > 1)
    with gr.Tab("Translate an upload"):
        named = len(demo.directions) == 1 and source != "input"
        upload = image_upload(f"Upload a {source}" if named else "Upload an image to translate",
                              elem_id=f"{prefix}-upload")
        button = gr.Button("Translate", variant="primary", elem_id=f"{prefix}-translate-button")
        with gr.Row():
            seen = picture("Input at the model's size", elem_id=f"{prefix}-translate-input")
            output = picture("Translation", elem_id=f"{prefix}-translate-output")
        button.click(guarded(demo.translate), [upload, direction], [seen, output],
                     concurrency_id=WORKERS, api_name=f"{prefix}_translate")
        files = demo.example_files(first)
        if files:
            gr.Examples(files, inputs=upload, label="Test-set inputs (click one, then Translate)",
                        elem_id=f"{prefix}-examples")
    with gr.Tab("Test-set examples"):
        if not demo.examples:
            gr.Markdown("No test examples: the run's `.npz` data is not on this machine.")
        with gr.Row():
            index = Number(value=0, label="Example #", precision=0, minimum=0, maximum=EXAMPLES - 1)
            button = gr.Button("Translate test example", variant="primary", elem_id=f"{prefix}-example-button")
        shown = "Input | translation | ground truth" if "generator_reverse" not in demo.directions \
            else "Input | translation"
        output = picture(shown, elem_id=f"{prefix}-example-output")
        button.click(guarded(demo.example), [index, direction], output,
                     concurrency_id=WORKERS, api_name=f"{prefix}_example")
    return demo
