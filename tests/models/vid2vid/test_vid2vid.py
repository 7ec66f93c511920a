import keras
import numpy as np
import pytest

from keras_gen.models.vid2vid import Vid2Vid
from keras_gen.models.vid2vid import rollout_video
from tests.helpers import assert_models_identical
from tests.models.vid2vid.common import SIZE
from tests.models.vid2vid.common import inputs
from tests.models.vid2vid.common import iterations
from tests.models.vid2vid.common import tiny
from tests.models.vid2vid.common import videos


def test_fit_and_translate(backend):
    data = videos(count=2, frames=2)
    # The smallest step (two frames, one scale): each backend traces it in seconds.
    model = tiny(history_frames=1, temporal_frames=2, generator_filters=2, generator_blocks=0,
                 discriminator_filters=2, discriminator_scales=1)
    model.compile()
    # Bad videos are refused before any step (every check: test_video_checks.py).
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.fit(inputs(data), data["frames"] * 3, batch_size=2, verbose=0)
    with pytest.raises(ValueError, match="class ids"):
        model.translate_video(np.full((2, SIZE, SIZE), 12))
    history = model.fit(inputs(data), data["frames"], batch_size=2, epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "d_temporal_loss", "g_loss", "l1_loss",
                                    "flow_loss", "warp_loss"}
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert iterations(model) == {"generator": 1, "discriminator": 1, "temporal_discriminator": 1}
    video = model.translate_video(data["maps"][0])
    assert video.shape == (2, SIZE, SIZE, 1) and np.abs(video).max() <= 1.0


@pytest.mark.slow
def test_losses_fall(backend):
    data = videos(count=16, frames=4, seed=1)
    # flow_weight 50: against the L1 term's 100, the default 10 leaves the flow
    # head learning slowly (0.60 -> 0.45 in these 30 steps on TF; 0.49 -> 0.35
    # with 50), so the flow has the looser bound below.
    model = tiny(generator_filters=8, discriminator_filters=8, flow_weight=50.0)
    model.compile(generator_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    history = model.fit(inputs(data), data["frames"], batch_size=8, epochs=15, verbose=0).history
    for name, factor in (("flow_loss", 0.8), ("warp_loss", 0.7), ("g_loss", 0.7)):
        assert np.mean(history[name][-3:]) < factor * np.mean(history[name][:3]), name
    assert all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["d_temporal_loss"]))


@pytest.mark.slow
def test_keras_round_trip(tmp_path):
    data = videos(count=2, frames=4)
    model = tiny(flow_weight=5.0, history_frames=1)
    model.compile()
    model.fit(inputs(data), data["frames"], batch_size=2, epochs=1, verbose=0)
    path = str(tmp_path / "vid2vid.keras")
    model.save(path)
    from keras_gen.models import load_model

    restored = load_model(path)
    assert isinstance(restored, Vid2Vid)
    assert restored.flow_weight == 5.0 and restored.history_frames == 1
    assert_models_identical(model, restored, data["maps"], method="translate_video")
    for a, b in zip(model.optimizer.variables, restored.optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    restored.fit(inputs(data), data["frames"], batch_size=2, epochs=1, verbose=0)
    assert iterations(restored)["generator"] == 2


def test_files_from_before_the_unet_hallucination_load_with_the_trunk_head(tmp_path):
    data = videos(count=2, frames=3)
    old = tiny(hallucination="shared")
    assert "hallucination" not in {layer.name for layer in old.generator.layers}
    config = old.get_config()
    del config["hallucination"]  # as files saved before the option was written
    restored = Vid2Vid.from_config(config)
    assert restored.hallucination == "shared"
    restored.set_weights(old.get_weights())
    np.testing.assert_array_equal(restored.translate_video(data["maps"]), old.translate_video(data["maps"]))
    assert "hallucination" in {layer.name for layer in tiny(hallucination="unet").generator.layers}
    assert "dilated_in" in {layer.name for layer in tiny().generator.layers}  # the default


@pytest.mark.slow
def test_fit_without_flow_and_evaluate(backend):
    data = videos(count=2)
    model = tiny()
    model.compile()
    history = model.fit(data["maps"], data["frames"], batch_size=2, epochs=1, verbose=0)
    assert history.history["flow_loss"] == [0.0] and history.history["warp_loss"] == [0.0]
    weights = [keras.ops.convert_to_numpy(w) for w in model.weights
               if "seed_generator" not in w.path]
    logs = model.evaluate(inputs(data), data["frames"], batch_size=2, verbose=0,
                          return_dict=True)
    assert logs["flow_loss"] > 0 and all(np.isfinite(v) for v in logs.values())
    for before, after in zip(weights, [keras.ops.convert_to_numpy(w) for w in model.weights
                                       if "seed_generator" not in w.path]):
        np.testing.assert_array_equal(before, after)


def test_export_part_rolls_out_like_translate_video():
    data = videos(count=2, frames=5)
    model = tiny()
    generator, metadata = model.export_parts()["generator"]
    assert [t.name for t in generator.inputs] == ["map", "previous_maps", "previous_frames"]
    assert generator.output_shape == (None, SIZE, SIZE, 1)
    assert metadata["output_range"] == [-1.0, 1.0] and set(metadata["inputs"]) == {
        "map", "previous_maps", "previous_frames"}

    def step(*arrays):
        return keras.ops.convert_to_numpy(generator(list(arrays), training=False))

    rolled = rollout_video(step, data["maps"], model.num_classes, model.history_frames, 1)
    np.testing.assert_allclose(rolled, model.translate_video(data["maps"]), atol=1e-6)
    one = model([keras.ops.convert_to_tensor(a) for a in (
        np.eye(11, dtype="float32")[data["maps"][:, 0]],
        np.tile(np.eye(11, dtype="float32")[np.zeros((2, SIZE, SIZE), "int32")], 2),
        -np.ones((2, SIZE, SIZE, 2), "float32"))])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(one), rolled[:, 0], atol=1e-6)


def test_bad_inputs():
    for kwargs, name in [({"image_size": 18}, "image_size"), ({"temporal_frames": 1},
                         "temporal_frames"), ({"gan_loss": "wasserstein_gp"}, "gan_loss"),
                         ({"flow_weight": -1.0}, "flow_weight"),
                         ({"hallucination": "vgg"}, "hallucination")]:
        with pytest.raises(ValueError, match=name):
            tiny(**kwargs)
