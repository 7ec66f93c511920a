"""Run folders → artifacts (export once, reuse, re-export when stale) and the
launcher's guards."""

import json
import os
import shutil

import numpy as np
import pytest

from keras_gen.apps import launcher
from keras_gen.apps.runs import RunBundle
from keras_gen.apps.runs import family_of
from keras_gen.apps.runs import prepare_run

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="export from a TensorFlow subprocess, checked from JAX")


def bundle_of(bundles, model_class):
    return next(bundle for bundle in bundles if bundle.model_class == model_class)


def test_families():
    assert family_of("dcgan") == "gan" and family_of("ConditionalGAN") == "gan"
    assert family_of("VAE") == "vae" and family_of("stacked-ae") == "vae"
    assert family_of("rbm") == "rbm" and family_of("CycleGAN") == "image_to_image"
    assert family_of("SomethingElse") is None


def test_artifacts_are_reused_then_reexported_when_stale(demo_bundles, tmp_path):
    bundles, _ = demo_bundles
    run = str(tmp_path / "vae")
    shutil.copytree(bundle_of(bundles, "VAE").path, run)
    artifact = os.path.join(run, "export", "decoder.onnx")
    before = os.stat(artifact).st_mtime_ns
    exports = []
    bundle = prepare_run(run, log=exports.append)
    assert exports == [] and os.stat(artifact).st_mtime_ns == before
    assert sorted(bundle.artifacts) == ["decoder", "encoder"]
    manifest_path = os.path.join(run, "export", "keras_gen.apps.json")
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    with open(manifest_path, "w") as handle:
        json.dump(dict(manifest, model_hash="0" * 64), handle)  # as if model.keras had changed
    bundle = prepare_run(run, log=exports.append)
    assert exports and os.stat(artifact).st_mtime_ns != before
    with open(manifest_path) as handle:
        assert json.load(handle)["model_hash"] == manifest["model_hash"]
    z = np.zeros((3, bundle.artifacts["decoder"].input_shape()[0]), "float32")
    assert bundle.artifacts["decoder"](z=z).shape == (3, 784)


def test_rbm_filters_read_back_the_kernel(demo_bundles):
    from keras_gen.apps.rbm_tab import RBMDemo
    from keras_gen.models import load_model

    bundle = bundle_of(demo_bundles[0], "RBM")
    model = load_model(os.path.join(bundle.path, "model.keras"), compile=False)
    kernel = np.asarray(model.kernel)
    weights = RBMDemo(bundle).hidden_weights(10)
    np.testing.assert_allclose(weights, kernel.T[:10], atol=2e-3)


def test_rbm_completion_keeps_the_known_region(demo_bundles):
    from keras_gen.apps.rbm_tab import RBMDemo

    demo = RBMDemo(bundle_of(demo_bundles[0], "RBM"))
    sketch = demo.example_sketch(4)
    frames = list(demo.complete_steps(sketch, "top half", 30, 0))
    assert 1 < len(frames) <= 12
    again = list(demo.complete_steps(sketch, "top half", 30, 0))
    np.testing.assert_array_equal(frames[-1][0], again[-1][0])  # seeded
    picture = frames[-1][0].astype("float32")
    first = frames[0][0].astype("float32")
    half = picture.shape[0] // 2
    np.testing.assert_array_equal(picture[: half - 8], first[: half - 8])


def test_export_from_another_backend_runs_in_tensorflow(backend, digits, tmp_path):
    """On JAX/torch the exports run in one TensorFlow subprocess; the served
    artifact then matches the model's own decoder."""
    if backend == "tensorflow":
        pytest.skip("the TensorFlow path is what the app tests use")
    import keras

    from keras_gen.models.vae import VAE

    x, _ = digits
    model = VAE.dense((64,), latent_dim=2, hidden_units=(8,), binarize=True, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(x[:64], epochs=1, batch_size=32, verbose=0)
    run = tmp_path / "vae"
    run.mkdir()
    model.save(str(run / "model.keras"))
    (run / "run.json").write_text(json.dumps({"model": "vae", "args": {"data": "digits"}}))
    lines = []
    bundle = prepare_run(str(run), log=lines.append)
    assert any("TensorFlow backend" in line for line in lines)
    z = np.array([[0.5, -1.0], [0.0, 0.0]], "float32")
    np.testing.assert_allclose(bundle.artifacts["decoder"](z=z), keras.ops.convert_to_numpy(model.decode(z)), atol=1e-4)


def test_not_a_run_folder(tmp_path):
    with pytest.raises(ValueError, match="model.keras"):
        prepare_run(str(tmp_path))
    assert launcher.main([str(tmp_path), "--port", "0"]) == 2


def test_a_broken_run_does_not_take_the_app_down(demo_bundles):
    bundles, _ = demo_bundles
    broken = RunBundle("/nowhere", {"model": "vae", "title": "broken"}, "VAE", {})
    app = launcher.build_app([broken, bundle_of(bundles, "DCGAN")], {})
    markdown = [block.value for block in app.blocks.values() if type(block).__name__ == "Markdown"]
    assert any("No demo for broken" in text for text in markdown)
    assert any("No model" in text for text in markdown)  # the RBM and image tabs are empty here


def test_parser_defaults_are_safe():
    args = launcher.build_parser().parse_args([])
    assert args.host == "127.0.0.1" and args.concurrency == launcher.DEFAULT_CONCURRENCY
