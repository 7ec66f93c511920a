"""GAN / DCGAN / conditional GAN tab: sample grids, interpolation, latent
arithmetic and digits on demand, all from the exported generator."""

import gradio as gr
import numpy as np

from keras_gen.apps.display import grid
from keras_gen.apps.display import guarded
from keras_gen.apps.display import latent_noise
from keras_gen.apps.display import strip
from keras_gen.apps.display import write_gif
from keras_gen.apps.inputs import Number
from keras_gen.apps.inputs import parse_int
from keras_gen.apps.inputs import parse_int_list
from keras_gen.latent import interpolate
from keras_gen.latent import latent_mean
from keras_gen.latent import vector_arithmetic

__all__ = ["GANDemo", "build"]

MAX_COUNT = 64
MAX_SEED = 2**31 - 1


class GANDemo:
    """What the GAN tab does, without the UI (testable directly)."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.generator = bundle.artifacts["generator"]
        names = list(self.generator.inputs)
        self.noise_name = next(n for n in names if self.generator.inputs[n].get("distribution") != "label")
        self.label_name = next((n for n in names if self.generator.inputs[n].get("distribution") == "label"), None)
        if self.label_name:
            low, high = self.generator.inputs[self.label_name].get("range") or (0, 9)
            self.num_classes = int(high) + 1
        else:
            self.num_classes = 0
        self.image_shape = bundle.image_shape(int(np.prod(self.generator.output_shape))) \
            if len(self.generator.output_shape) == 1 else None

    def _noise(self, seeds):
        return np.stack([latent_noise(seed, self.generator, self.noise_name) for seed in seeds])

    def _generate(self, noise, labels=None):
        feed = {self.noise_name: noise}
        if self.label_name:
            if labels is None:
                labels = np.arange(len(noise)) % self.num_classes
            feed[self.label_name] = np.asarray(labels, dtype="int32")
        return self.generator(**feed)

    def _picture(self, images, columns=None):
        return grid(images, self.generator.output_range, self.image_shape, columns=columns)

    def sample(self, seed, count):
        """A grid of `count` samples; image i comes from seed `seed + i`."""
        seed = parse_int(seed, "Seed", 0, MAX_SEED - MAX_COUNT)
        count = parse_int(count, "Count", 1, MAX_COUNT)
        columns = self.num_classes if self.label_name and count >= self.num_classes else None
        return self._picture(self._generate(self._noise(range(seed, seed + count))), columns)

    def interpolate(self, seed_a, seed_b, steps, method, label=None):
        """A strip and a GIF from seed A's latent to seed B's (slerp keeps the
        norm Gaussian latents have; lerp passes near the origin)."""
        seed_a = parse_int(seed_a, "Seed A", 0, MAX_SEED)
        seed_b = parse_int(seed_b, "Seed B", 0, MAX_SEED)
        steps = parse_int(steps, "Steps", 2, 32)
        if method not in ("slerp", "lerp"):
            raise gr.Error(f"Method must be slerp or lerp, not {method!r}.")
        a, b = self._noise([seed_a, seed_b])
        noise = interpolate(a, b, steps=steps, method=method)
        labels = None
        if self.label_name:
            labels = np.full(steps, parse_int(label, "Digit", 0, self.num_classes - 1, default=0))
        images = self._generate(noise, labels)
        return (strip(images, self.generator.output_range, self.image_shape),
                write_gif(images, self.generator.output_range, self.image_shape))

    def arithmetic(self, group_a, group_b, group_c):
        """Mean latent of each seed group, then a − b + c (Radford et al., 2016)."""
        groups = [parse_int_list(text, f"Group {name}", 0, MAX_SEED)
                  for text, name in ((group_a, "A"), (group_b, "B"), (group_c, "C"))]
        vectors = [self._noise(seeds) for seeds in groups]
        means = [latent_mean(group) for group in vectors]
        result = vector_arithmetic(*vectors)
        images = self._generate(np.stack(means + [result]).astype("float32"))
        return strip(images, self.generator.output_range, self.image_shape)

    def digit(self, label, seed, count):
        """`count` samples of one class (conditional GAN only)."""
        if not self.label_name:
            raise gr.Error("This GAN is not conditional: it has no class input.")
        label = parse_int(label, "Digit", 0, self.num_classes - 1)
        seed = parse_int(seed, "Seed", 0, MAX_SEED - MAX_COUNT)
        count = parse_int(count, "Count", 1, MAX_COUNT)
        images = self._generate(self._noise(range(seed, seed + count)), np.full(count, label))
        return self._picture(images)


def build(bundle, prefix):
    """Adds the GAN controls for `bundle` to the current Blocks context.

    Endpoints: `{prefix}_sample`, `{prefix}_interpolate`,
    `{prefix}_arithmetic` and, for a conditional GAN, `{prefix}_digit`.
    """
    demo = GANDemo(bundle)
    gr.Markdown(f"**{bundle.name}** — `{bundle.model_class}` from `{bundle.path}`, "
                f"served from `{demo.generator.path.rsplit('/', 1)[-1]}` with ONNX Runtime.")
    with gr.Tab("Sample"):
        with gr.Row():
            seed = Number(value=0, label="Seed", precision=0, minimum=0)
            count = gr.Slider(1, MAX_COUNT, value=16, step=1, label="Count")
            button = gr.Button("Generate", variant="primary", elem_id=f"{prefix}-sample-button")
        output = gr.Image(label="Samples (image i comes from seed + i)", type="numpy", format="png",
                          elem_id=f"{prefix}-sample-output")
        button.click(guarded(demo.sample), [seed, count], output, api_name=f"{prefix}_sample")
    with gr.Tab("Interpolate"):
        with gr.Row():
            seed_a = Number(value=0, label="Seed A", precision=0, minimum=0)
            seed_b = Number(value=1, label="Seed B", precision=0, minimum=0)
            steps = gr.Slider(2, 32, value=8, step=1, label="Steps")
            method = gr.Radio(["slerp", "lerp"], value="slerp", label="Path")
        inputs = [seed_a, seed_b, steps, method]
        if demo.label_name:
            inputs.append(gr.Dropdown(list(range(demo.num_classes)), value=0, label="Digit"))
        button = gr.Button("Interpolate", variant="primary", elem_id=f"{prefix}-interpolate-button")
        with gr.Row():
            strip_image = gr.Image(label="Strip", type="numpy", format="png", elem_id=f"{prefix}-interpolate-output")
            gif = gr.Image(label="Animation (GIF)", type="filepath", format="gif")
        button.click(guarded(demo.interpolate), inputs, [strip_image, gif], api_name=f"{prefix}_interpolate")
    with gr.Tab("Latent arithmetic"):
        gr.Markdown("Pick seeds from the Sample grid. Each group's latents are averaged; the result "
                    "is **A − B + C**. Shown: mean A, mean B, mean C, result.")
        with gr.Row():
            group_a = gr.Textbox(value="0, 1, 2", label="Group A seeds")
            group_b = gr.Textbox(value="3, 4, 5", label="Group B seeds")
            group_c = gr.Textbox(value="6, 7, 8", label="Group C seeds")
        button = gr.Button("Compute A − B + C", variant="primary", elem_id=f"{prefix}-arithmetic-button")
        output = gr.Image(label="A | B | C | A − B + C", type="numpy", format="png", elem_id=f"{prefix}-arithmetic-output")
        button.click(guarded(demo.arithmetic), [group_a, group_b, group_c], output,
                     api_name=f"{prefix}_arithmetic")
    if demo.label_name:
        with gr.Tab("Digit on demand"):
            with gr.Row():
                label = gr.Dropdown(list(range(demo.num_classes)), value=3, label="Digit")
                seed = Number(value=0, label="Seed", precision=0, minimum=0)
                count = gr.Slider(1, MAX_COUNT, value=8, step=1, label="Count")
                button = gr.Button("Generate", variant="primary", elem_id=f"{prefix}-digit-button")
            output = gr.Image(label="Samples", type="numpy", format="png", elem_id=f"{prefix}-digit-output")
            button.click(guarded(demo.digit), [label, seed, count], output, api_name=f"{prefix}_digit")
    return demo
