import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_gen.models import VAE

pytestmark = pytest.mark.backends("tensorflow", "jax", reason="fresh-interpreter import checks; two backends suffice")


@pytest.mark.parametrize("imports", ["keras, keras_gen", "keras_gen, keras"])
def test_keras_load_model_reads_any_keras_gen_file_after_import(imports, tmp_path):
    # A fresh interpreter that imports no family itself: `import keras_gen` must
    # register them all, or Keras cannot find the class; before Keras is imported
    # (the registration then waits for it) or after.
    model = VAE.dense((6,), latent_dim=2, hidden_units=(4,))
    x = np.random.default_rng(0).random((3, 6)).astype("float32")
    expected = model.encode(x)
    path = tmp_path / "vae.keras"
    model.save(str(path))
    np.save(tmp_path / "x.npy", x)
    code = (f"import sys, numpy as np, {imports}; "
            f"model = keras.saving.load_model({str(path)!r}); "
            f"encoded = model.encode(np.load({str(tmp_path / 'x.npy')!r})); "
            "np.save(sys.argv[1], keras.ops.convert_to_numpy(encoded))")
    out = tmp_path / "encoded.npy"
    completed = subprocess.run([sys.executable, "-c", code, str(out)], env=dict(os.environ),
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
    np.testing.assert_array_equal(np.load(out), keras.ops.convert_to_numpy(expected))


def test_import_keras_gen_alone_imports_no_backend():
    code = ("import sys, keras_gen; "
            "print([m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules])")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "[]"


@pytest.mark.parametrize("code", [
    "from keras_gen.data import load_paired",
    "from keras_gen.models import RBM",
    "import keras_gen; from keras_gen.data import load_dataset",
    "import keras_gen.export",
])
def test_any_first_import_works_and_registers_the_models(code):
    # Registration waits for Keras; it must not run while a keras-gen module is
    # half-imported (a circular import) whatever the user imports first.
    code += "; import keras; assert keras.saving.get_registered_object('keras_gen>DCGAN') is not None"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
