import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_gen.trainers import OptimizerGroup
from keras_gen.trainers import minimize
from tests.trainers.toy_adversarial import ToyAdversarial
from tests.trainers.toy_adversarial import train

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.mark.parametrize("jit_compile,steps_per_execution", [(False, 1), (True, 3)])
def test_both_optimizers_advance(jit_compile, steps_per_execution, backend):
    if backend == "torch" and jit_compile:
        pytest.skip("jit_compile is not used with torch")
    model, history = train(jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    for name in ("generator", "discriminator"):
        optimizer = model.optimizer[name]
        assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == 3
        # Adam's first moments moved away from zero: the state was threaded.
        moments = [np.abs(keras.ops.convert_to_numpy(v)).sum() for v in optimizer.variables[2:]]
        assert sum(moments) > 0
    assert np.isfinite(history.history["d_loss"][0])


def test_compiled_steps_match_eager(backend):
    if backend == "torch":
        pytest.skip("torch has no compiled step to compare")
    eager, _ = train(jit_compile=False)
    compiled, _ = train(jit_compile=True, steps_per_execution=3)
    for a, b in zip(eager.trainable_weights, compiled.trainable_weights):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=1e-5
        )


def test_save_load_keeps_optimizer_state(tmp_path):
    model, _ = train()
    path = str(tmp_path / "toy.keras")
    model.save(path)
    restored = keras.models.load_model(path, custom_objects={"ToyAdversarial": ToyAdversarial})
    assert isinstance(restored.optimizer, OptimizerGroup)
    for a, b in zip(model.optimizer.variables, restored.optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_bad_arguments():
    variable = keras.Variable(np.ones(2, "float32"))
    with pytest.raises(ValueError, match="variables"):
        minimize(lambda: keras.ops.sum(variable), [], keras.optimizers.SGD())
    with pytest.raises(ValueError, match="optimizer"):
        minimize(lambda: keras.ops.sum(variable), [variable], "sgd-ish")
    with pytest.raises(ValueError, match="optimizers"):
        OptimizerGroup({})
    group = OptimizerGroup({"a": keras.optimizers.SGD()})
    with pytest.raises(ValueError, match="key"):
        group.assign("b", [variable])


@pytest.mark.slow
def test_parity_across_backends(tmp_path, backend):
    """Same weights, data and noise: three alternating two-optimizer steps
    give the same weights on TensorFlow, JAX and torch (within 1e-5)."""
    if backend != "tensorflow":
        pytest.skip("runs all three backends in subprocesses; once is enough")
    results = {}
    script = os.path.join(ROOT, "tests", "trainers", "toy_adversarial.py")
    for name in ("tensorflow", "jax", "torch"):
        out = str(tmp_path / f"{name}.npz")
        env = dict(os.environ, KERAS_BACKEND=name, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
        subprocess.run([sys.executable, script, out], check=True, env=env, cwd=ROOT, timeout=600)
        results[name] = np.load(out)
    reference = results["tensorflow"]
    for name in ("jax", "torch"):
        assert reference.files == results[name].files
        for key in reference.files:
            np.testing.assert_allclose(results[name][key], reference[key], atol=1e-5, rtol=0,
                                       err_msg=f"{name} differs from tensorflow on {key}")
