"""`preset:NAME` in the run commands, `keras-gen presets` and `keras-gen push`."""

import os
import sys

import numpy as np
import pytest
from PIL import Image

from keras_gen.cli import main as cli
from keras_gen.presets import resolve_preset


def _png(path):
    return np.asarray(Image.open(path))


def test_presets_lists_every_shipped_preset_with_its_figure(capsys):
    assert cli.main(["presets"]) == 0
    out = capsys.readouterr().out
    for name in ("rbm_mnist", "vae_mnist", "dcgan_mnist", "cgan_mnist"):
        assert f"preset:{name}" in out
    assert "fid" in out and "ais_log_likelihood" in out


def test_sample_a_preset_writes_into_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    folder, _ = resolve_preset("dcgan_mnist")
    before = sorted(os.listdir(folder))
    assert cli.main(["sample", "preset:dcgan_mnist", "--count", "16"]) == 0
    picture = _png(tmp_path / "dcgan_mnist-sample.png")
    assert picture.ndim >= 2 and picture.std() > 10  # digits, not a flat picture
    assert sorted(os.listdir(folder)) == before  # nothing written into the package
    assert cli.main(["sample", "preset:cgan_mnist", "--count", "10", "--output", "c.png",
                     "--options", '{"labels": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]}']) == 0
    assert (tmp_path / "c.png").is_file()


def test_translate_a_preset_uses_the_examples_it_ships(tmp_path, monkeypatch, capsys):
    folder, card = resolve_preset("pix2pix_facades")
    assert card["examples"] == "examples.npz"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KERAS_GEN_DATA", raising=False)
    assert cli.main(["translate", "preset:pix2pix_facades", "--count", "2"]) == 0
    assert _png(tmp_path / "pix2pix_facades-translate.png").shape[1] >= 3 * 128


@pytest.mark.parametrize("argv, message", [
    (["sample", "preset:dcgan_mnst"], "did you mean 'dcgan_mnist'"),
    (["sample", "s3://bucket/model"], "not supported"),
    (["evaluate", "preset:dcgan_mnist", "--fid"], "Expected a run folder for `evaluate`"),
    (["export", "preset:no_such"], "one of ["),
    (["demo", "preset:no_such"], "one of ["),
])
def test_bad_presets_are_one_line_errors(argv, message, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_push_without_huggingface_hub_is_a_clear_error(tmp_path, monkeypatch, capsys):
    from tests.presets.conftest import make_run

    make_run(str(tmp_path / "run"))
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    assert cli.main(["push", str(tmp_path / "run"), "hf://me/tiny"]) == 1
    assert "Expected `huggingface_hub` to be installed" in capsys.readouterr().err
    assert cli.main(["push", str(tmp_path / "run"), "me/tiny"]) == 2


@pytest.mark.backends("tensorflow", reason="the ONNX export runs under TensorFlow "
                                          "(other backends: a subprocess, tested in tests/export)")
def test_export_a_preset_writes_into_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "preset:vae_mnist", "--part", "decoder"]) == 0
    assert (tmp_path / "vae_mnist-export" / "decoder.onnx").is_file()
