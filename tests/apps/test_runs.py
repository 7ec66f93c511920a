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
from tests.apps.served import bundle_of

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="export from a TensorFlow subprocess, checked from JAX")


def test_families():
    assert family_of("dcgan") == "gan" and family_of("ConditionalGAN") == "gan"
    assert family_of("VAE") == "vae" and family_of("stacked-ae") == "vae"
    assert family_of("rbm") == "rbm" and family_of("CycleGAN") == "image_to_image"
    assert family_of("SomethingElse") is None


def test_export_is_cached_and_incremental(demo_bundles, tmp_path):
    bundles, _ = demo_bundles
    run = str(tmp_path / "vae")
    shutil.copytree(bundle_of(bundles, "VAE").path, run)
    decoder = os.path.join(run, "export", "decoder.onnx")
    encoder = os.path.join(run, "export", "encoder.onnx")
    stamps = {path: os.stat(path).st_mtime_ns for path in (decoder, encoder)}
    lines = []
    bundle = prepare_run(run, log=lines.append)
    assert lines == [] and all(os.stat(p).st_mtime_ns == t for p, t in stamps.items())  # nothing to do
    assert sorted(bundle.artifacts) == ["decoder", "encoder"]
    # Touched, same content: hashed again, nothing re-exported.
    os.utime(os.path.join(run, "model.keras"))
    prepare_run(run, log=lines.append)
    assert not any("exporting" in line for line in lines)
    assert all(os.stat(p).st_mtime_ns == t for p, t in stamps.items())
    # One artifact missing: only that one is exported.
    os.remove(decoder)
    lines.clear()
    prepare_run(run, log=lines.append)
    assert any("exporting decoder " in line for line in lines)
    assert os.path.isfile(decoder) and os.stat(encoder).st_mtime_ns == stamps[encoder]


def test_a_changed_model_is_exported_again(demo_bundles, tmp_path):
    import keras

    from keras_gen.models import load_model

    bundles, _ = demo_bundles
    run = str(tmp_path / "vae")
    shutil.copytree(bundle_of(bundles, "VAE").path, run)
    model = load_model(os.path.join(run, "model.keras"), compile=False)
    before = prepare_run(run, log=lambda line: None).artifacts["decoder"]
    z = np.zeros((3, before.input_shape()[0]), "float32")
    old_output = before(z=z)
    for weight in model.weights:
        weight.assign(weight + 0.05)
    model.save(os.path.join(run, "model.keras"))
    lines = []
    bundle = prepare_run(run, log=lines.append)
    assert any("exporting" in line and "decoder" in line for line in lines)
    new_output = bundle.artifacts["decoder"](z=z)
    assert new_output.shape == old_output.shape and not np.allclose(new_output, old_output)
    np.testing.assert_allclose(new_output, keras.ops.convert_to_numpy(model.decode(z)), atol=1e-4)


def test_artifacts_from_keras_gen_export_are_reused(demo_bundles, tmp_path):
    """A part already exported by `keras-gen export RUN` (same options) is not exported again."""
    from keras_gen.export import export_part

    bundles, _ = demo_bundles
    run = str(tmp_path / "dcgan")
    shutil.copytree(bundle_of(bundles, "DCGAN").path, run)
    shutil.rmtree(os.path.join(run, "export"))
    export_part(run, "generator", format="onnx")  # the library's defaults: fp32, dynamic batch
    lines = []
    prepare_run(run, log=lines.append)
    assert "  generator: up to date" in lines and not any("exporting" in line for line in lines)


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
    assert args.host == "127.0.0.1" and args.concurrency is None  # launch() then uses DEFAULT_CONCURRENCY
