import os

import pytest

from tests.export import standins

pytestmark = pytest.mark.backends("tensorflow", reason="in-process conversion; other backends export "
                                                       "through the TensorFlow worker (tests/export/)")


def test_cli_exports_and_verifies_a_run(tmp_path, capsys):
    from keras_gen.cli.main import main

    run = tmp_path / "run"
    run.mkdir()
    standins.dcgan_generator()[0].save(str(run / "model.keras"))
    status = main(["export", str(run), "--part", "generator", "--format", "tflite",
                   "--quantize", "int8", "--representative-data", "latent", "--verify"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "generator-int8.tflite" in out and "PASS" in out
    assert sorted(os.listdir(run / "export")) == ["generator-int8.tflite",
                                                  "generator-int8.tflite.json"]
    status = main(["export", str(run), "--format", "onnx", "--quantize", "int8"])
    assert status == 2
    assert "representative_data" in capsys.readouterr().err
