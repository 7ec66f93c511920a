"""Vid2Vid: video-to-video synthesis with a sequential, flow-warping generator."""

import keras
import numpy as np

from keras_gen.losses.adversarial import ADVERSARIAL_LOSSES
from keras_gen.losses.adversarial import AdversarialLoss
from keras_gen.models.vid2vid import video_checks
from keras_gen.models.vid2vid.flow_warp import flow_warp
from keras_gen.models.vid2vid.multiscale_discriminator import multiscale_discriminator
from keras_gen.models.vid2vid.rollout import rollout_video
from keras_gen.models.vid2vid.sequential_generator import check_generator_size
from keras_gen.models.vid2vid.sequential_generator import export_generator
from keras_gen.models.vid2vid.sequential_generator import sequential_generator
from keras_gen.models.vid2vid.temporal_discriminator import temporal_clips
from keras_gen.models.vid2vid.temporal_discriminator import temporal_discriminator
from keras_gen.models.vid2vid.video_losses import discriminator_loss
from keras_gen.models.vid2vid.video_losses import generator_adversarial_losses
from keras_gen.models.vid2vid.video_batches import flat
from keras_gen.models.vid2vid.video_batches import generator_inputs
from keras_gen.models.vid2vid.video_batches import unpack_video_batch
from keras_gen.models.vid2vid.video_losses import masked_l1
from keras_gen.trainers import AdversarialModel
from keras_gen.trainers import minimize
from keras_gen.utils import check_in
from keras_gen.utils import check_non_negative
from keras_gen.utils import check_positive_int

__all__ = ["Vid2Vid"]

PLAYERS = ("generator", "discriminator", "temporal_discriminator")
LOSS_NAMES = ("d_loss", "d_temporal_loss", "g_loss", "l1_loss", "flow_loss", "warp_loss")


def default_optimizer():
    """Adam(2e-4, beta_1=0.5), vid2vid's setting for every player."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gen")
class Vid2Vid(AdversarialModel):
    """Vid2Vid: semantic-map videos to frame videos that stay consistent over time.

    The generator (`sequential_generator`) makes frame `t` from the map of
    frame `t`, the `history_frames` maps before it and the frames it
    generated before: it estimates the backward flow to the previous frame,
    warps that frame by it, and blends it through an occlusion mask with a
    freshly hallucinated frame, so what was drawn before moves along instead
    of being redrawn. Two discriminators train it: a multi-scale PatchGAN
    (Pix2Pix's) on (map, frame) pairs, and a temporal one on
    `temporal_frames` consecutive frames with the true flow between them.
    The generator minimises their adversarial losses (non-saturating by
    default: sharper here than the paper's least squares; the image one on
    its frames and on its raw hallucinations) plus
    `feature_matching_weight` times the discriminators' feature matching,
    `l1_weight` times the L1 distance of its frames and
    hallucinations to the real ones, `flow_weight` times the L1 error of its
    flow against the data's flow, and `warp_weight` times two warping
    losses: the real previous frame warped by its flow against the real
    frame, and its frame against its previous frame warped by the true flow
    (both over the pixels `visible` in the two frames).

    Train with `fit(x, y)`: `y` the frames `(N, T, S, S, channels)` in
    [-1, 1] (or uint8), `x` the integer label maps `(N, T, S, S)` or a dict
    with `maps`, `flow` `(N, T - 1, S, S, 2)` (backward, `(dx, dy)`) and
    `visible` `(N, T - 1, S, S)`, as `keras_gen.data.moving_digits` returns.
    Without `flow`, the flow loss and the generator's warping loss are
    off, the flow is learnt from the real frames' warping loss alone and the
    temporal discriminator sees zero flows. Each training video is rolled out
    from blank history (as `translate_video` does), feeding back the
    generated frames.

    Args:
        image_size: side of the square frames (divisible by 4, at least 16).
        num_classes: classes of the label maps (11 for moving digits:
            background and 10 digits); class 0 is the background.
        channels: channels of the frames.
        history_frames: previous maps and frames the generator sees (the
            paper's L = 2).
        temporal_frames: consecutive frames the temporal discriminator judges (K = 3).
        generator_filters: filters of the generator's full-scale convolutions.
        generator_blocks: residual blocks of the generator.
        discriminator_filters: filters of the PatchGANs' first blocks.
        discriminator_layers: stride-2 blocks of each PatchGAN (default: Pix2Pix's).
        discriminator_scales: scales of both discriminators.
        normalization: "instance" (default), "batch" or "none".
        gan_loss: adversarial loss, one of `keras_gen.losses.adversarial.ADVERSARIAL_LOSSES`
            without a gradient penalty ("non_saturating" by default).
        feature_matching_weight: weight of feature matching (10).
        flow_weight: weight of the flow loss (10).
        warp_weight: weight of the warping losses (30).
        temporal_weight: weight of the temporal adversarial loss (1).
        l1_weight: weight of the L1 distance of each generated frame to the
            real one (Pix2Pix's lambda, 100), which stands in for the paper's
            VGG perceptual loss (no pretrained network is downloaded here).
        hallucination: where new content comes from: "dilated" (default),
            "unet" or "shared" (see `sequential_generator`).
        **kwargs: base `keras.Model` arguments (`name`).

    Returns:
        A model; `translate_video(maps)` gives videos, `model([map,
        previous_maps, previous_frames])` one frame.

    Example:

    >>> from keras_gen.data import moving_digits
    >>> from keras_gen.data import load_digits
    >>> data = moving_digits(count=2, frames=2, size=16, source=load_digits(), seed=0)
    >>> model = Vid2Vid(image_size=16, history_frames=1, temporal_frames=2,
    ...                 generator_filters=2, generator_blocks=0, discriminator_filters=2,
    ...                 discriminator_scales=1)  # tiny, to run fast
    >>> model.compile()
    >>> x = {key: data[key] for key in ("maps", "flow", "visible")}
    >>> history = model.fit(x, data["frames"], batch_size=2, epochs=1, verbose=0)
    >>> model.translate_video(data["maps"]).shape
    (2, 2, 16, 16, 1)

    Reference: Wang, Liu, Zhu, Liu, Tao, Kautz and Catanzaro,
    "Video-to-Video Synthesis", NeurIPS 2018.
    """

    def __init__(self, image_size=64, num_classes=11, channels=1, history_frames=2,
                 temporal_frames=3,
                 generator_filters=16, generator_blocks=3, discriminator_filters=16,
                 discriminator_layers=None, discriminator_scales=2, normalization="instance",
                 gan_loss="non_saturating", feature_matching_weight=10.0, flow_weight=10.0,
                 warp_weight=30.0, temporal_weight=1.0, l1_weight=100.0, hallucination="dilated",
                 **kwargs):
        super().__init__(**kwargs)
        self.image_size = check_generator_size(image_size)
        self.num_classes = check_positive_int("num_classes", num_classes, minimum=2)
        self.channels = check_positive_int("channels", channels)
        self.history_frames = check_positive_int("history_frames", history_frames)
        self.temporal_frames = check_positive_int("temporal_frames", temporal_frames, minimum=2)
        check_in("gan_loss", gan_loss, tuple(n for n in ADVERSARIAL_LOSSES if n != "wasserstein_gp"))
        self.gan_loss = gan_loss
        self.adversarial = AdversarialLoss(gan_loss)
        self.feature_matching_weight = check_non_negative("feature_matching_weight",
                                                          feature_matching_weight)
        self.flow_weight = check_non_negative("flow_weight", flow_weight)
        self.warp_weight = check_non_negative("warp_weight", warp_weight)
        self.temporal_weight = check_non_negative("temporal_weight", temporal_weight)
        self.l1_weight = check_non_negative("l1_weight", l1_weight)
        self.generator_filters = generator_filters
        self.generator_blocks = generator_blocks
        self.discriminator_filters = discriminator_filters
        self.discriminator_layers = discriminator_layers
        self.discriminator_scales = check_positive_int("discriminator_scales",
                                                       discriminator_scales)
        self.normalization = normalization
        self.hallucination = hallucination
        self.generator = sequential_generator(
            image_size, num_classes, channels, history_frames, generator_filters, generator_blocks,
            normalization, hallucination, name="generator")
        self.discriminator = multiscale_discriminator(
            image_size, num_classes + channels, discriminator_filters, discriminator_layers,
            discriminator_scales, normalization, name="discriminator")
        self.temporal_discriminator = temporal_discriminator(
            image_size, channels, temporal_frames, discriminator_filters, discriminator_layers,
            discriminator_scales, normalization, name="temporal_discriminator")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in LOSS_NAMES}
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers.values())

    @property
    def min_frames(self):
        """Shortest training video: the history plus one frame, and one temporal clip."""
        return max(2, self.history_frames + 1, self.temporal_frames)

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)[0]

    def compile(self, generator_optimizer=None, discriminator_optimizer=None,
                temporal_discriminator_optimizer=None, **kwargs):
        """Compiles with one optimizer per player (default Adam(2e-4, beta_1=0.5)).

        Args:
            generator_optimizer: optimizer of the sequential generator.
            discriminator_optimizer: optimizer of the image discriminator.
            temporal_discriminator_optimizer: optimizer of the temporal one.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`.
        """
        given = (generator_optimizer, discriminator_optimizer, temporal_discriminator_optimizer)
        self.compile_optimizers(
            {name: optimizer or default_optimizer() for name, optimizer in zip(PLAYERS, given)},
            {name: getattr(self, name).trainable_variables for name in PLAYERS},
            **kwargs,
        )

    def _checked(self, x, y):
        reason = (f"the generator's history of {self.history_frames} frames and the current "
                  f"one, and the temporal discriminator's {self.temporal_frames} frames")
        checked = video_checks.check_video_data(x, y, self.image_size, self.num_classes,
                                                self.channels, self.min_frames, reason)
        return (x, y) if checked is None else checked

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit` on `(maps or {maps, flow, visible}, frames)`, checked first."""
        x, y = self._checked(x, y)
        validation = kwargs.get("validation_data")
        if isinstance(validation, (tuple, list)):
            kwargs["validation_data"] = self._checked(*validation[:2])
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`: the training losses in inference mode, no update."""
        x, y = self._checked(x, y)
        return super().evaluate(x, y, *args, **kwargs)

    # The step, written once against minimize() for every backend.

    def _generator_inputs(self, maps, frames, t, blanks):
        return generator_inputs(maps, frames, t, blanks, self.history_frames)

    def _rollout(self, maps, blanks, training):
        """Frames `(T, B, S, S, C)` each generated from the ones before, and their flows
        (no gradient)."""
        frames, flows = [], []
        for t in range(maps.shape[0]):
            outputs = self.generator(self._generator_inputs(maps, frames, t, blanks),
                                     training=training)
            frames.append(keras.ops.stop_gradient(outputs[0]))
            flows.append(keras.ops.stop_gradient(outputs[1]))
        return keras.ops.stack(frames), keras.ops.stack(flows)

    def _generate(self, maps, history, blanks, training):
        """All frames in one batched call, given the frames generated before each."""
        steps = maps.shape[0]
        inputs = [self._generator_inputs(maps, history, t, blanks) for t in range(steps)]
        batched = [keras.ops.concatenate([frame[i] for frame in inputs], 0) for i in range(3)]
        frame, flow, _, hallucinated = self.generator(batched, training=training)
        return [keras.ops.reshape(o, (steps, -1) + tuple(o.shape[1:]))
                for o in (frame, flow, hallucinated)]

    def _clips(self, frames, flow):
        return temporal_clips(frames, flow, self.temporal_frames)

    def _pairs(self, maps, frames):
        return flat(keras.ops.concatenate([maps, frames], -1))

    def _image_loss(self, maps, real, fake, training):
        return discriminator_loss(
            self.adversarial, self.discriminator(self._pairs(maps, real), training=training),
            self.discriminator(self._pairs(maps, fake), training=training),
            self.discriminator_scales)

    def _temporal_loss(self, real, fake, flow, training):
        return discriminator_loss(
            self.adversarial,
            self.temporal_discriminator(self._clips(real, flow), training=training),
            self.temporal_discriminator(self._clips(fake, flow), training=training),
            self.discriminator_scales)

    def _motion_losses(self, frames, estimated_flow, history, flow, visible):
        """Flow error and warping error of generated frames, against the true flow."""
        flow_loss = masked_l1(estimated_flow[1:], flow, visible)
        # The generated frame must follow its previous frame along the true flow.
        target = keras.ops.stop_gradient(flow_warp(flat(history[:-1]), flat(flow)))
        return flow_loss, masked_l1(flat(frames[1:]), target, flat(visible))

    def _generator_loss(self, maps, real, history, flow, visible, blanks, training):
        scales = self.discriminator_scales
        frames, estimated_flow, hallucinated = self._generate(maps, history, blanks, training)
        real_outputs = self.discriminator(self._pairs(maps, real), training=training)
        # The frames, and the hallucinations alone (as in the paper): every frame
        # teaches the hallucination head, not only where the mask lets it through.
        image_adversarial, image_matching = generator_adversarial_losses(
            self.adversarial, real_outputs,
            self.discriminator(self._pairs(maps, frames), training=training), scales)
        raw_adversarial, raw_matching = generator_adversarial_losses(
            self.adversarial, real_outputs,
            self.discriminator(self._pairs(maps, hallucinated), training=training), scales)
        temporal_adversarial, temporal_matching = generator_adversarial_losses(
            self.adversarial,
            self.temporal_discriminator(self._clips(real, flow), training=training),
            self.temporal_discriminator(self._clips(frames, flow), training=training), scales)
        # The real previous frame warped by the estimated flow must give the real frame.
        loss = self.warp_weight * masked_l1(
            flow_warp(flat(real[:-1]), flat(estimated_flow[1:])), flat(real[1:]),
            None if visible is None else flat(visible))
        if flow is not None:
            flow_loss, warp_loss = self._motion_losses(frames, estimated_flow, history, flow,
                                                       visible)
            loss = loss + self.flow_weight * flow_loss + self.warp_weight * warp_loss
        loss = loss + self.l1_weight * (masked_l1(frames, real) + masked_l1(hallucinated, real))
        matching = (image_matching + raw_matching + temporal_matching) / 3.0
        return (loss + image_adversarial + raw_adversarial
                + self.temporal_weight * temporal_adversarial
                + self.feature_matching_weight * matching)

    def _logs(self, losses):
        for name, value in losses.items():
            self.trackers[name].update_state(keras.ops.stop_gradient(value))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def adversarial_step(self, data):
        maps, real, flow, visible, blanks = unpack_video_batch(data, self.num_classes)
        fake, fake_flow = self._rollout(maps, blanks, training=True)
        d_loss = minimize(lambda: self._image_loss(maps, real, fake, True),
                          self.discriminator.trainable_variables, self.optimizer["discriminator"])
        d_temporal_loss = minimize(lambda: self._temporal_loss(real, fake, flow, True),
                                   self.temporal_discriminator.trainable_variables,
                                   self.optimizer["temporal_discriminator"])
        g_loss = minimize(
            lambda: self._generator_loss(maps, real, fake, flow, visible, blanks, True),
            self.generator.trainable_variables, self.optimizer["generator"])
        losses = {"d_loss": d_loss, "d_temporal_loss": d_temporal_loss, "g_loss": g_loss,
                  "l1_loss": masked_l1(fake, real)}
        if flow is not None:
            # Of this step's rollout, before the generator update (as the losses are).
            losses.update(zip(("flow_loss", "warp_loss"),
                              self._motion_losses(fake, fake_flow, fake, flow, visible)))
        return self._logs(losses)

    def evaluation_step(self, data):
        maps, real, flow, visible, blanks = unpack_video_batch(data, self.num_classes)
        fake, fake_flow = self._rollout(maps, blanks, training=False)
        losses = {"d_loss": self._image_loss(maps, real, fake, False),
                  "d_temporal_loss": self._temporal_loss(real, fake, flow, False),
                  "g_loss": self._generator_loss(maps, real, fake, flow, visible, blanks, False),
                  "l1_loss": masked_l1(fake, real)}
        if flow is not None:
            losses.update(zip(("flow_loss", "warp_loss"),
                              self._motion_losses(fake, fake_flow, fake, flow, visible)))
        return self._logs(losses)

    # Generation and export.

    def translate_video(self, maps, batch_size=32):
        """Generates the videos of label-map videos, frame by frame.

        Each frame is generated from its map, the `history_frames` maps before it and
        the frames generated before it (blank history at the start), as in
        training; `rollout_video` runs an exported generator the same way.

        Args:
            maps: integer class ids `(N, T, S, S)`, or one video `(T, S, S)`,
                with `T >= 2` and ids in `[0, num_classes)`.
            batch_size: videos per generator call.

        Returns:
            float32 frames `(N, T, S, S, channels)` in [-1, 1] (`(T, S, S,
            channels)` for one video).
        """
        single = np.ndim(maps) == 3
        maps = video_checks.check_maps(
            maps, self.image_size, self.num_classes, max(2, self.history_frames),
            f"the generator's history of {self.history_frames} frames")
        batch_size = check_positive_int("batch_size", batch_size)

        def step(current, previous_maps, previous_frames):
            # A compiled inference call: a rollout calls the generator once per frame.
            return self.generator.predict_on_batch([current, previous_maps, previous_frames])[0]

        videos = np.concatenate([
            rollout_video(step, maps[start : start + batch_size], self.num_classes,
                          self.history_frames, self.channels)
            for start in range(0, len(maps), batch_size)])
        return videos[0] if single else videos

    def translate(self, images, batch_size=32):
        """The family verb `translate`: label-map videos to frame videos.

        The same as `translate_video(images, batch_size)`: `images` are the
        integer label maps `(N, T, S, S)` (or one video `(T, S, S)`).

        Returns:
            float32 frames `(N, T, S, S, channels)` in [-1, 1].
        """
        return self.translate_video(images, batch_size=batch_size)

    def export_parts(self):
        """The per-frame generator for export: `{"generator": (model, metadata)}`.

        Its inputs are `map`, `previous_maps` and `previous_frames` (one-hot
        maps, frames in [-1, 1]) and its output is the frame; roll it out
        with `keras_gen.models.vid2vid.rollout_video`.
        """
        return {"generator": export_generator(self.generator, self.history_frames)}

    def get_config(self):
        config = super().get_config()
        config.update({
            name: getattr(self, name) for name in (
                "image_size", "num_classes", "channels", "history_frames", "temporal_frames",
                "generator_filters", "generator_blocks", "discriminator_filters",
                "discriminator_layers", "discriminator_scales", "normalization", "gan_loss",
                "feature_matching_weight", "flow_weight", "warp_weight", "temporal_weight",
                "l1_weight", "hallucination")
        })
        return config

    @classmethod
    def from_config(cls, config):
        # Files saved before the U-Net hallucination had the trunk's head.
        return cls(**({"hallucination": "shared"} | config))
