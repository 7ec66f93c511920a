"""RBM / DBN tab: Gibbs completion of a half-drawn digit, step by step;
retrieval by Hamming distance of binary codes; hidden-unit filters.

Each RBM of the model (one, or a DBN's stack) is served as two exported
artifacts, v → p(h | v) and h → p(v | h). A sweep is a mean-field up-pass
to the top RBM, one sampled Gibbs step there, and a mean-field down-pass
(for a single RBM: plain block Gibbs); the known pixels are clamped after
every sweep.
"""

import gradio as gr
import numpy as np

from keras_gen.apps.components import Number
from keras_gen.apps.components import Slider
from keras_gen.apps.components import picture
from keras_gen.apps.components import sketchpad
from keras_gen.apps.display import LOG
from keras_gen.apps.display import grid
from keras_gen.apps.display import WORKERS
from keras_gen.apps.display import guarded
from keras_gen.apps.display import strip
from keras_gen.apps.inputs import parse_int
from keras_gen.apps.inputs import sketch_ink

__all__ = ["RBMDemo", "build", "REGIONS"]

REGIONS = ("top half", "bottom half", "left half", "right half", "drawn strokes only")
MAX_STEPS = 500
FRAMES = 12  # pictures streamed while a chain runs
DATABASE_LIMIT = 10000


def known_mask(region, drawn, height, width):
    """Boolean (height, width): which pixels are clamped to the drawing."""
    rows, columns = np.mgrid[0:height, 0:width]
    masks = {
        "top half": rows < height // 2,
        "bottom half": rows >= height - height // 2,
        "left half": columns < width // 2,
        "right half": columns >= width - width // 2,
        "drawn strokes only": drawn,
    }
    if region not in masks:
        raise gr.Error(f"Known region must be one of {', '.join(REGIONS)}; received {region!r}.")
    return masks[region]


class RBMDemo:
    """What the RBM tab does, without the UI (testable directly)."""

    def __init__(self, bundle):
        self.bundle = bundle
        stack = bundle.extras.get("stack") or []
        self.layers = [(bundle.artifacts[up], bundle.artifacts[down]) for up, down in stack]
        self.visible = self.layers[0][1] if self.layers else None
        self.features = bundle.artifacts.get("features")
        self.codes_artifact = bundle.artifacts.get("binary_codes") or self.features
        encoder = self.codes_artifact or self.layers[0][0]
        self.visible_units = int(np.prod(encoder.input_shape()))
        self.visible_name = next(iter(encoder.inputs))
        self.image_shape = bundle.image_shape(self.visible_units)
        self.database = None
        self.database_note = ""

    @staticmethod
    def _run(artifact, value):
        return artifact(**{next(iter(artifact.inputs)): value})

    def _sweep(self, v, rng):
        """One Gibbs sweep through the stack; returns the mean of p(v | ...)."""
        h = v
        for up, _ in self.layers[:-1]:
            h = self._run(up, h)
        top = self._run(self.layers[-1][0], h)
        h = (rng.random(top.shape) < top).astype("float32")
        for _, down in reversed(self.layers):
            h = self._run(down, h)
        return h

    def _codes(self, v):
        name = next(iter(self.codes_artifact.inputs))
        return self.codes_artifact(**{name: v}) > 0.5

    def _picture(self, images, **kwargs):
        return grid(images, (0.0, 1.0), self.image_shape, **kwargs)

    # ------------------------------------------------------------- completion
    def _query(self, sketch):
        height, width = self.image_shape[:2]
        ink, drawn = sketch_ink(sketch, height, width)
        return ink, drawn

    def complete_steps(self, sketch, region, steps, seed):
        """Yields `(current picture, chain strip)` as the Gibbs chain runs."""
        if not self.layers:
            raise gr.Error("This run has no visible-unit artifacts, so it cannot run Gibbs completion.")
        steps = parse_int(steps, "Gibbs steps", 1, MAX_STEPS)
        seed = parse_int(seed, "Seed", 0, 2**31 - 1)
        ink, drawn = self._query(sketch)
        height, width = self.image_shape[:2]
        mask = known_mask(region, drawn, height, width)
        if not mask.any():
            raise gr.Error("The known region is empty: draw in it, or choose another region.")
        known = (ink > 0.5).astype("float32").reshape(1, -1)
        mask = mask.reshape(1, -1).astype("float32")
        rng = np.random.default_rng(seed)
        v = known * mask  # unknown pixels start off
        snapshots = [v.copy()]
        marks = set(np.linspace(1, steps, min(FRAMES, steps)).astype(int))
        for step in range(1, steps + 1):
            mean = self._sweep(v, rng)
            v = mask * known + (1.0 - mask) * (rng.random(mean.shape) < mean)
            if step in marks:
                shown = mask * known + (1.0 - mask) * mean
                snapshots.append(shown)
                yield (self._picture(shown, min_tile=192),
                       strip(np.concatenate(snapshots), (0.0, 1.0), self.image_shape))

    def complete(self, sketch, region, steps, seed):
        """The final `(picture, strip)` of `complete_steps`."""
        result = None
        for outcome in self.complete_steps(sketch, region, steps, seed):
            result = outcome
        return result

    # -------------------------------------------------------------- retrieval
    def _load_database(self):
        from keras_gen.data import load_dataset

        if self.database is not None or self.database_note:
            return
        data = self.bundle.data
        if not data:
            self.database_note = "The run does not say what data it was trained on (run.json args.data)."
            return
        try:
            x, labels = load_dataset(data, split="all", scale="unit", flatten=True, limit=DATABASE_LIMIT,
                                     download=False)
        except Exception as error:  # an absent archive: retrieval off, the rest works
            LOG.warning("retrieval database %r not loaded: %s", data, error)
            self.database_note = f"The training data {data!r} could not be loaded here ({error})."
            return
        if x.shape[1] != self.visible_units:
            self.database_note = f"The data {data!r} has {x.shape[1]} values per image, the model {self.visible_units}."
            return
        x = (x > 0.5).astype("float32")
        codes = np.concatenate([self._codes(x[i: i + 1024]) for i in range(0, len(x), 1024)])
        self.database = (x, labels, codes)

    def retrieve(self, sketch, count):
        """The `count` training images whose binary codes are nearest (Hamming) to the sketch's."""
        count = parse_int(count, "Results", 1, 64)
        self._load_database()
        if self.database is None:
            raise gr.Error(f"Retrieval is not available: {self.database_note}")
        ink, _ = self._query(sketch)
        query = (ink > 0.5).astype("float32").reshape(1, -1)
        x, labels, codes = self.database
        distances = np.count_nonzero(codes != self._codes(query), axis=1)
        order = np.argsort(distances, kind="stable")[:count]
        label_text = "" if labels is None else " (labels " + ", ".join(str(int(labels[i])) for i in order) + ")"
        summary = (f"{len(x)} images searched with {codes.shape[1]}-bit codes; Hamming distances "
                   + ", ".join(str(int(distances[i])) for i in order) + label_text)
        return self._picture(query, min_tile=128), self._picture(x[order]), summary

    # ---------------------------------------------------------------- filters
    def hidden_weights(self, count):
        """Weights `(count, visible_units)` of the first `count` hidden units.

        Read back from the `visible` artifact: p(v | e_j) = σ(W_j + b) and
        p(v | 0) = σ(b), so W_j = logit(p(v | e_j)) − logit(p(v | 0)) (for
        Gaussian visible units, the means differ by W_j directly).
        """
        if self.visible is None:
            raise gr.Error("This run has no visible-unit artifact to read filters from.")
        hidden = int(np.prod(self.visible.input_shape()))
        count = parse_int(count, "Filters", 1, min(hidden, 256))
        probes = np.vstack([np.zeros((1, hidden)), np.eye(hidden)[:count]]).astype("float32")
        means = self.visible(hidden=probes).astype("float64")
        if self.visible.output_range == [0.0, 1.0]:
            means = np.clip(means, 1e-7, 1 - 1e-7)
            means = np.log(means) - np.log1p(-means)
        return means[1:] - means[:1]

    def filters(self, count):
        """The first `count` hidden units' weights as images, each scaled to its own range."""
        weights = self.hidden_weights(count)
        low = weights.min(axis=1, keepdims=True)
        weights = (weights - low) / np.maximum(weights.max(axis=1, keepdims=True) - low, 1e-8)
        return grid(weights.astype("float32"), (0.0, 1.0), self.image_shape, min_tile=48)

    def example_sketch(self, index):
        """A test digit drawn large (dark on white), as a sketchpad value."""
        from keras_gen.data import load_dataset

        index = parse_int(index, "Example", 0, 99)
        try:
            x, _ = load_dataset(self.bundle.data or "digits", split="test", scale="unit", flatten=True,
                                limit=100, download=False)
        except Exception as error:
            raise gr.Error(f"No test digits available: {error}") from error
        image = grid(x[index: index + 1], (0.0, 1.0), self.image_shape, min_tile=280)
        if image.ndim == 3:
            image = image[..., 0]
        image = 255 - image[2:-2, 2:-2]
        rgba = np.dstack([image] * 3 + [np.full_like(image, 255)])
        return {"background": rgba, "layers": [], "composite": rgba}


def build(bundle, prefix):
    """Adds the RBM controls for `bundle`.

    Endpoints: `{prefix}_complete`, `{prefix}_retrieve`, `{prefix}_filters`,
    `{prefix}_example`.
    """
    demo = RBMDemo(bundle)
    layers = f"a stack of {len(demo.layers)} RBMs" if len(demo.layers) > 1 else "one RBM"
    gr.Markdown(f"**{bundle.name}**: {layers} over {demo.visible_units} binary pixels. Draw part of a "
                "digit and let the model fill in the rest.")
    with gr.Row():
        with gr.Column():
            sketch = sketchpad("Sketch (draw a digit, or part of one)", elem_id=f"{prefix}-sketch")
            with gr.Row():
                example = Number(value=0, label="Test digit #", precision=0, minimum=0, maximum=99)
                example_button = gr.Button("Load test digit", elem_id=f"{prefix}-example-button")
            example_button.click(guarded(demo.example_sketch), example, sketch,
                                 concurrency_id=WORKERS, api_name=f"{prefix}_example")
        with gr.Column():
            with gr.Tab("Gibbs completion"):
                region = gr.Radio(list(REGIONS), value="top half", label="Known region (kept as drawn)")
                with gr.Row():
                    steps = Slider(1, MAX_STEPS, value=50, step=1, label="Gibbs steps")
                    seed = Number(value=0, label="Seed", precision=0, minimum=0, maximum=2**31 - 1)
                button = gr.Button("Complete", variant="primary", elem_id=f"{prefix}-complete-button")
                current = picture("Completed digit (the model's guess outside the known region)",
                                  elem_id=f"{prefix}-complete-output")
                chain = picture("Chain, step by step", elem_id=f"{prefix}-complete-chain")

                def complete(sketch, known_region, steps, seed):
                    try:
                        yield from demo.complete_steps(sketch, known_region, steps, seed)
                    except gr.Error:
                        raise
                    except Exception as error:
                        LOG.exception("completion failed")
                        raise gr.Error(f"Something went wrong: {type(error).__name__}: {error}") from error

                button.click(complete, [sketch, region, steps, seed], [current, chain],
                             concurrency_id=WORKERS, api_name=f"{prefix}_complete")
            with gr.Tab("Retrieval"):
                count = Slider(1, 64, value=16, step=1, label="Results")
                button = gr.Button("Find nearest codes", variant="primary", elem_id=f"{prefix}-retrieve-button")
                with gr.Row():
                    query = picture("Query", elem_id=f"{prefix}-retrieve-query")
                    found = picture("Nearest training images", elem_id=f"{prefix}-retrieve-output")
                summary = gr.Textbox(label="Distances")
                button.click(guarded(demo.retrieve), [sketch, count], [query, found, summary],
                             concurrency_id=WORKERS, api_name=f"{prefix}_retrieve")
            with gr.Tab("Hidden-unit filters"):
                hidden = int(np.prod(demo.visible.input_shape())) if demo.visible else 1
                count = Slider(1, min(hidden, 256), value=min(hidden, 64), step=1, label="Filters")
                button = gr.Button("Show filters", variant="primary", elem_id=f"{prefix}-filters-button")
                output = picture("Weights of each hidden unit", elem_id=f"{prefix}-filters-output")
                button.click(guarded(demo.filters), count, output,
                             concurrency_id=WORKERS, api_name=f"{prefix}_filters")
    return demo
