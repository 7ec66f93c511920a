"""VAE / autoencoder tab: latent sliders, the 2-D manifold, and reconstruction
of a drawn or uploaded image, from the exported decoder and encoder."""

from statistics import NormalDist

import gradio as gr
import numpy as np

from keras_gen.apps.display import grid
from keras_gen.apps.display import guarded
from keras_gen.apps.inputs import parse_float
from keras_gen.apps.inputs import ImageUpload
from keras_gen.apps.inputs import parse_int
from keras_gen.apps.inputs import sketch_ink
from keras_gen.apps.inputs import to_model_image

__all__ = ["VAEDemo", "build"]

MAX_SLIDERS = 8
SLIDER_RANGE = 3.0


class VAEDemo:
    """What the VAE tab does, without the UI (testable directly)."""

    def __init__(self, bundle):
        self.bundle = bundle
        self.decoder = bundle.artifacts["decoder"]
        self.encoder = bundle.artifacts.get("encoder")
        self.latent_name = next(iter(self.decoder.inputs))
        self.latent_dim = int(np.prod(self.decoder.input_shape()))
        self.flat = len(self.decoder.output_shape) == 1
        size = int(np.prod(self.decoder.output_shape))
        self.image_shape = bundle.image_shape(size) if self.flat else tuple(self.decoder.output_shape)
        self.sliders = min(self.latent_dim, MAX_SLIDERS)

    def _decode(self, z):
        return self.decoder(**{self.latent_name: np.asarray(z, dtype="float32")})

    def _picture(self, images, columns=None, min_tile=128):
        return grid(images, self.decoder.output_range, self.image_shape, columns=columns, min_tile=min_tile)

    def decode_sliders(self, *values):
        """The decoded image of the latent set by the sliders (the rest at 0)."""
        if len(values) > self.latent_dim:
            raise gr.Error(f"Expected at most {self.latent_dim} latent values, received {len(values)}.")
        z = np.zeros((1, self.latent_dim), dtype="float32")
        for index, value in enumerate(values):
            z[0, index] = parse_float(value, f"z[{index}]", -10.0, 10.0, default=0.0)
        return self._picture(self._decode(z), min_tile=192)

    def manifold(self, size, dim_x=0, dim_y=1):
        """A size x size grid over two latent dimensions at Gaussian quantiles
        (Kingma & Welling 2014, fig. 4); the others stay 0."""
        size = parse_int(size, "Grid size", 2, 20)
        dim_x = parse_int(dim_x, "X dimension", 0, self.latent_dim - 1)
        dim_y = parse_int(dim_y, "Y dimension", 0, self.latent_dim - 1)
        if self.latent_dim > 1 and dim_x == dim_y:
            raise gr.Error("Choose two different latent dimensions.")
        quantiles = np.array([NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, size)], "float32")
        z = np.zeros((size * size, self.latent_dim), dtype="float32")
        for row, y in enumerate(quantiles[::-1]):
            for column, x in enumerate(quantiles):
                z[row * size + column, dim_x] = x
                if self.latent_dim > 1:
                    z[row * size + column, dim_y] = y
        return self._picture(self._decode(z), columns=size, min_tile=32)

    def _model_input(self, sketch, upload):
        height, width, channels = self.image_shape
        low, high = self.encoder.inputs[next(iter(self.encoder.inputs))].get("range") or (0.0, 1.0)
        if upload is not None:
            # Digits are light ink on dark: a photo of dark ink on paper is inverted.
            image = to_model_image(upload, height, width, channels, (0.0, 1.0), name="upload")
            if float(image.mean()) > 0.5:
                image = 1.0 - image
        elif sketch is not None:
            ink, _ = sketch_ink(sketch, height, width)
            image = np.repeat(ink[..., None], channels, axis=-1)
        else:
            raise gr.Error("Draw a digit or upload an image first.")
        return image * (high - low) + low

    def reconstruct(self, sketch, upload=None):
        """The input as the model sees it | its reconstruction (posterior mean)."""
        if self.encoder is None:
            raise gr.Error("This run exported no encoder, so it cannot reconstruct.")
        image = self._model_input(sketch, upload)
        x = image.reshape((1,) + self.encoder.input_shape())
        z = self.encoder(**{next(iter(self.encoder.inputs)): x})
        reconstruction = self._decode(z[:, : self.latent_dim]).reshape((1,) + self.image_shape)
        shown = image.reshape((1,) + self.image_shape)
        shown = (shown - shown.min()) / max(float(np.ptp(shown)), 1e-8)
        reconstruction = grid(reconstruction, self.decoder.output_range, self.image_shape, min_tile=160)
        return grid(shown, (0.0, 1.0), self.image_shape, min_tile=160), reconstruction, \
            ", ".join(f"{v:+.2f}" for v in z[0, : self.latent_dim])


def build(bundle, prefix):
    """Adds the VAE controls for `bundle`.

    Endpoints: `{prefix}_decode`, `{prefix}_manifold`, `{prefix}_reconstruct`.
    """
    demo = VAEDemo(bundle)
    gr.Markdown(f"**{bundle.name}** — `{bundle.model_class}` from `{bundle.path}`; "
                f"{demo.latent_dim}-D latent, decoder and encoder served with ONNX Runtime.")
    with gr.Tab("Latent sliders"):
        if demo.latent_dim > demo.sliders:
            gr.Markdown(f"The first {demo.sliders} of {demo.latent_dim} latent values; the rest are 0.")
        with gr.Row():
            with gr.Column():
                sliders = [gr.Slider(-SLIDER_RANGE, SLIDER_RANGE, value=0.0, step=0.05, label=f"z[{i}]")
                           for i in range(demo.sliders)]
                button = gr.Button("Decode", variant="primary", elem_id=f"{prefix}-decode-button")
            output = gr.Image(label="Decoded", type="numpy", format="png", elem_id=f"{prefix}-decode-output")
        button.click(guarded(demo.decode_sliders), sliders, output, api_name=f"{prefix}_decode")
        for slider in sliders:
            slider.release(guarded(demo.decode_sliders), sliders, output, api_name=False)
    with gr.Tab("Manifold"):
        with gr.Row():
            size = gr.Slider(2, 20, value=12, step=1, label="Grid size")
            choices = list(range(demo.latent_dim))
            dim_x = gr.Dropdown(choices, value=0, label="X: latent dimension")
            dim_y = gr.Dropdown(choices, value=min(1, demo.latent_dim - 1), label="Y: latent dimension")
            button = gr.Button("Draw manifold", variant="primary", elem_id=f"{prefix}-manifold-button")
        output = gr.Image(label="Decoded grid at Gaussian quantiles", type="numpy", format="png",
                          elem_id=f"{prefix}-manifold-output")
        button.click(guarded(demo.manifold), [size, dim_x, dim_y], output, api_name=f"{prefix}_manifold")
    with gr.Tab("Reconstruct"):
        gr.Markdown("Draw a digit (dark strokes) or upload an image; the upload wins when both are given.")
        with gr.Row():
            sketch = gr.Sketchpad(label="Draw (pick the brush on the left)", type="numpy", image_mode="RGBA", canvas_size=(280, 280),
                                  elem_id=f"{prefix}-reconstruct-sketch")
            upload = ImageUpload(label="…or upload")
        button = gr.Button("Reconstruct", variant="primary", elem_id=f"{prefix}-reconstruct-button")
        with gr.Row():
            seen = gr.Image(label="Input at the model's size", type="numpy", format="png")
            output = gr.Image(label="Reconstruction", type="numpy", format="png", elem_id=f"{prefix}-reconstruct-output")
        code = gr.Textbox(label="Posterior mean z")
        button.click(guarded(demo.reconstruct), [sketch, upload], [seen, output, code],
                     api_name=f"{prefix}_reconstruct")
    return demo
