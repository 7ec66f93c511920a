"""RBM training speed and quality against scikit-learn's `BernoulliRBM`, same run.

Targets (issue 2):
- binarized MNIST, 784 x 500, batch 100, one epoch, TensorFlow backend:
  >= 3x faster than `BernoulliRBM`, and test pseudo-likelihood no worse;
  keras-gen in float32 and under `mixed_bfloat16`. A bare hand-written CD-1
  `tf.function` loop (float32 and bfloat16 matmuls) is timed too:
  TensorFlow's own ceiling on this CPU; and a loop of only CD-1's five
  matmuls and the weight update: the hardware floor of a CD-1 epoch;
- digits, 64 x 100, batch 10: an epoch within 1.5x of `BernoulliRBM` (with
  `steps_per_execution`, `jit_compile` and the fastest backend measured).

Each keras-gen configuration runs in a worker subprocess (Keras picks its
backend at import) interleaved with scikit-learn in the same run. A model is
compiled and warmed up for one epoch, its initial weights restored, then
one epoch is timed (so compile time is reported apart). Pseudo-likelihoods
of both models are computed by the same estimator (`pseudo_log_likelihood`,
one seeded unit per test row).

    python benchmarks/rbm_vs_sklearn.py           # full MNIST + digits
    python benchmarks/rbm_vs_sklearn.py --quick   # 10,000 MNIST rows, 1 repeat
"""

import argparse
import json
import os
import subprocess
import sys
import time

import _common
import numpy as np


def load(problem, limit=None):
    if problem == "mnist":
        with np.load(os.path.join(_common.DATA, "mnist.npz")) as data:
            x = (data["x_train"].reshape(-1, 784) > 127).astype("float32")
            x_test = (data["x_test"].reshape(-1, 784) > 127).astype("float32")
    else:
        from sklearn.datasets import load_digits

        x = (load_digits().data / 16.0).astype("float32")
        x_test = x
    return (x if limit is None else x[:limit]), x_test


SETTINGS = {
    "mnist": {"hidden": 500, "batch": 100, "learning_rate": 0.1},
    "digits": {"hidden": 100, "batch": 10, "learning_rate": 0.06},
}


def worker(problem, limit, steps_per_execution, jit_compile, seed, policy="float32"):
    """Runs in a subprocess with KERAS_BACKEND set; prints one JSON line."""
    import keras

    keras.config.set_dtype_policy(policy)

    from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood
    from keras_gen.models import RBM

    settings = SETTINGS[problem]
    x, x_test = load(problem, limit)
    keras.utils.set_random_seed(seed)
    rbm = RBM(settings["hidden"], seed=seed)
    rbm.compile(
        optimizer=keras.optimizers.SGD(settings["learning_rate"]),
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    rbm.build((None, x.shape[1]))
    initial = [np.array(v) for v in rbm.get_weights()]
    seed_state = np.array(rbm.seed_generator.state)
    started = time.perf_counter()
    # A full warm-up epoch: compiles the step and also the retrace that the
    # last, partial batch triggers.
    rbm.fit(x, batch_size=settings["batch"], epochs=1, verbose=0)
    warmup_seconds = time.perf_counter() - started
    rbm.set_weights(initial)
    rbm.seed_generator.state.assign(seed_state)
    started = time.perf_counter()
    history = rbm.fit(x, batch_size=settings["batch"], epochs=1, verbose=0)
    epoch_seconds = time.perf_counter() - started
    pseudo = pseudo_log_likelihood(rbm, x_test, seed=0).mean()
    print(json.dumps({
        "epoch_seconds": epoch_seconds, "warmup_seconds": warmup_seconds,
        "test_pseudo_likelihood": float(pseudo),
        "train_reconstruction_error": float(history.history["reconstruction_error"][-1]),
        "keras_version": keras.__version__,
    }))


def hand_written_tensorflow_worker(problem, limit, seed, mode="hand_written"):
    """The TensorFlow floor: a bare CD-1 epoch in one `tf.function` while-loop.

    The five matmuls, two Bernoulli draws and three variable updates of CD-1
    and nothing else (no Keras, no autodiff, no metrics): what TensorFlow's
    graph mode can do on this CPU, to judge how much of an epoch is Keras'.
    Modes: `hand_written`; `matmuls_only` keeps only the five matmuls and the
    weight update (no sigmoid, sampling or biases): the hardware floor of
    CD-1; a `_bfloat16` suffix runs the matmuls in bfloat16 (this CPU has
    AVX512-BF16), accumulating in float32.
    """
    import tensorflow as tf

    settings = SETTINGS[problem]
    x, _ = load(problem, limit)
    batch = settings["batch"]
    steps = len(x) // batch
    data = tf.constant(x[: steps * batch].reshape(steps, batch, -1))
    visible, hidden = x.shape[1], settings["hidden"]
    rate = settings["learning_rate"] / batch
    kernel = tf.Variable(tf.random.normal((visible, hidden), stddev=0.01, seed=seed))
    visible_bias, hidden_bias = tf.Variable(tf.zeros(visible)), tf.Variable(tf.zeros(hidden))
    dtype = tf.bfloat16 if mode.endswith("_bfloat16") else tf.float32

    def matmul(a, b, **kwargs):
        return tf.cast(tf.matmul(tf.cast(a, dtype), tf.cast(b, dtype), **kwargs), tf.float32)

    @tf.function
    def epoch(epoch_seed):
        def body(i, s):
            v = data[i]
            if mode.startswith("matmuls_only"):
                p_h = matmul(v, kernel)
                p_v = matmul(p_h, kernel, transpose_b=True)
                p_h_negative = matmul(p_v, kernel)
                kernel.assign_add(rate * (matmul(v, p_h, transpose_a=True)
                                          - matmul(p_v, p_h_negative, transpose_a=True)))
                return i + 1, s
            p_h = tf.sigmoid(matmul(v, kernel) + hidden_bias)
            h = tf.cast(tf.random.stateless_uniform((batch, hidden), [s, 2 * i]) < p_h, tf.float32)
            p_v = tf.sigmoid(matmul(h, kernel, transpose_b=True) + visible_bias)
            v_negative = tf.cast(tf.random.stateless_uniform((batch, visible), [s, 2 * i + 1]) < p_v,
                                 tf.float32)
            p_h_negative = tf.sigmoid(matmul(v_negative, kernel) + hidden_bias)
            kernel.assign_add(rate * (matmul(v, p_h, transpose_a=True)
                                      - matmul(v_negative, p_h_negative, transpose_a=True)))
            visible_bias.assign_add(rate * tf.reduce_sum(v - v_negative, 0))
            hidden_bias.assign_add(rate * tf.reduce_sum(p_h - p_h_negative, 0))
            return i + 1, s

        tf.while_loop(lambda i, s: i < steps, body, (tf.constant(0), epoch_seed))

    epoch(tf.constant(seed))
    started = time.perf_counter()
    epoch(tf.constant(seed + 1))
    print(json.dumps({"epoch_seconds": time.perf_counter() - started}))


def run_worker(backend, problem, limit, steps_per_execution, jit_compile, seed, policy="float32"):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, os.path.abspath(__file__), "--worker", problem, str(limit or 0),
               str(steps_per_execution), str(jit_compile), str(seed), policy]
    if str(steps_per_execution).startswith(("hand_written", "matmuls_only")):
        command = [sys.executable, os.path.abspath(__file__), "--hand-written", problem,
                   str(limit or 0), str(seed), steps_per_execution]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
    if output.returncode != 0 or not lines:
        raise RuntimeError(f"worker {backend} failed:\n{output.stderr[-3000:]}")
    return json.loads(lines[-1])


def sklearn_epoch(problem, limit, seed, threads=None):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    from sklearn.neural_network import BernoulliRBM

    from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood
    from keras_gen.models import RBM

    settings = SETTINGS[problem]
    x, x_test = load(problem, limit)
    model = BernoulliRBM(settings["hidden"], learning_rate=settings["learning_rate"],
                         batch_size=settings["batch"], n_iter=1, random_state=seed)
    from threadpoolctl import threadpool_limits

    # On a shared machine multi-threaded BLAS can collapse under load, so the
    # anchor is also measured on one thread and the faster one is used.
    with threadpool_limits(limits=threads):
        started = time.perf_counter()
        model.fit(x)
        seconds = time.perf_counter() - started
    # Score with the same estimator as keras-gen's models.
    rbm = RBM(settings["hidden"])
    rbm.build((None, x.shape[1]))
    rbm.set_weights([model.components_.T.astype("float32"), model.intercept_visible_.astype("float32"),
                     model.intercept_hidden_.astype("float32")])
    return {"epoch_seconds": seconds,
            "test_pseudo_likelihood": float(pseudo_log_likelihood(rbm, x_test, seed=0).mean())}


# (backend, steps_per_execution, jit_compile, dtype policy)
CONFIGS = {
    "mnist": [("tensorflow", 100, "auto", "float32"), ("tensorflow", 100, "auto", "mixed_bfloat16"),
              ("jax", 100, True, "float32")],
    "digits": [("tensorflow", 64, "auto", "float32"), ("jax", 64, True, "float32"),
               ("jax", 200, True, "float32"), ("jax", 1, True, "float32")],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    limits = {"mnist": 10000 if args.quick else None, "digits": None}
    result = {"benchmark": "rbm_vs_sklearn", "quick": args.quick, "repeats": repeats,
              "load_average_start": os.getloadavg(), "settings": SETTINGS, "problems": {}}
    for problem in ("digits", "mnist"):
        runs = {"sklearn": [], "sklearn_1_thread": []}
        for repeat in range(repeats):
            runs["sklearn"].append(sklearn_epoch(problem, limits[problem], repeat))
            print(problem, "sklearn", runs["sklearn"][-1], flush=True)
            runs["sklearn_1_thread"].append(sklearn_epoch(problem, limits[problem], repeat, threads=1))
            print(problem, "sklearn_1_thread", runs["sklearn_1_thread"][-1], flush=True)
            if problem == "mnist":
                for name, mode in (("tensorflow_hand_written_cd1", "hand_written"),
                                   ("tensorflow_hand_written_cd1_bfloat16", "hand_written_bfloat16"),
                                   ("tensorflow_matmuls_only", "matmuls_only"),
                                   ("tensorflow_matmuls_only_bfloat16", "matmuls_only_bfloat16")):
                    runs.setdefault(name, []).append(run_worker("tensorflow", problem, limits[problem],
                                                                mode, None, repeat))
                    print(problem, name, runs[name][-1], flush=True)
            for backend, spe, jit, policy in CONFIGS[problem]:
                name = f"keras_gen_{backend}_spe{spe}_jit{jit}" + ("" if policy == "float32" else f"_{policy}")
                runs.setdefault(name, []).append(run_worker(backend, problem, limits[problem], spe, jit,
                                                            repeat, policy))
                print(problem, name, runs[name][-1], flush=True)
        summary = {name: {"epoch_seconds_min": min(r["epoch_seconds"] for r in values),
                          "epoch_seconds_all": [r["epoch_seconds"] for r in values],
                          **({"test_pseudo_likelihood_mean":
                              float(np.mean([r["test_pseudo_likelihood"] for r in values]))}
                             if "test_pseudo_likelihood" in values[0] else {}),
                          **({"warmup_seconds_min": min(r["warmup_seconds"] for r in values)}
                             if "warmup_seconds" in values[0] else {})}
                   for name, values in runs.items()}
        baseline = min(summary["sklearn"]["epoch_seconds_min"], summary["sklearn_1_thread"]["epoch_seconds_min"])
        summary["baseline_sklearn_epoch_seconds"] = baseline
        for _name, entry in summary.items():
            if isinstance(entry, dict):
                entry["speedup_vs_sklearn"] = baseline / entry["epoch_seconds_min"]
        result["problems"][problem] = {"limit": limits[problem], "runs": summary}
    mnist, digits = result["problems"]["mnist"]["runs"], result["problems"]["digits"]["runs"]
    tf_mnist = mnist["keras_gen_tensorflow_spe100_jitauto"]
    best_digits = max((v["speedup_vs_sklearn"], k) for k, v in digits.items()
                      if k.startswith("keras_gen"))
    result["targets"] = {
        "mnist_tensorflow_speedup": {"measured": tf_mnist["speedup_vs_sklearn"], "target": ">= 3.0",
                                     "pass": bool(tf_mnist["speedup_vs_sklearn"] >= 3.0)},
        "mnist_pseudo_likelihood_no_worse": {
            "measured": tf_mnist["test_pseudo_likelihood_mean"],
            "sklearn": mnist["sklearn"]["test_pseudo_likelihood_mean"],
            "pass": bool(tf_mnist["test_pseudo_likelihood_mean"] >= mnist["sklearn"]["test_pseudo_likelihood_mean"])},
        "mnist_tensorflow_hand_written_cd1_speedup": {
            "measured": mnist["tensorflow_hand_written_cd1"]["speedup_vs_sklearn"],
            "keras_gen_share_of_hand_written_speed": (tf_mnist["speedup_vs_sklearn"]
                                                      / mnist["tensorflow_hand_written_cd1"]["speedup_vs_sklearn"]),
            "note": "a bare CD-1 tf.function loop (no Keras, no autodiff, no metrics): what "
                    "TensorFlow's graph mode reaches on this CPU. Below 3x, the 3x target is out "
                    "of TensorFlow's reach on this machine, whatever the library does."},
        "mnist_tensorflow_hand_written_cd1_bfloat16_speedup": {
            "measured": mnist["tensorflow_hand_written_cd1_bfloat16"]["speedup_vs_sklearn"],
            "note": "the same bare loop with bfloat16 matmuls (AVX512-BF16)"},
        "mnist_tensorflow_matmuls_only_speedup": {
            "measured": mnist["tensorflow_matmuls_only"]["speedup_vs_sklearn"],
            "bfloat16": mnist["tensorflow_matmuls_only_bfloat16"]["speedup_vs_sklearn"],
            "note": "only CD-1's five 100x784x500 matmuls and the weight update, in one "
                    "tf.function while-loop: the hardware floor of a CD-1 epoch in float32 on "
                    "this CPU, before any sigmoid, sampling or bias."},
        "mnist_tensorflow_mixed_bfloat16": {
            "speedup": mnist["keras_gen_tensorflow_spe100_jitauto_mixed_bfloat16"]["speedup_vs_sklearn"],
            "test_pseudo_likelihood": mnist["keras_gen_tensorflow_spe100_jitauto_mixed_bfloat16"][
                "test_pseudo_likelihood_mean"]},
        "digits_epoch_within_1_5x": {"best_config": best_digits[1], "time_ratio": 1.0 / best_digits[0],
                                     "target": "<= 1.5", "pass": bool(1.0 / best_digits[0] <= 1.5)},
    }
    result["load_average_end"] = os.getloadavg()
    result["note"] = ("Epoch times are the minimum over repeats (the 2-core machine is shared; "
                      "see load averages). keras-gen epochs exclude compile/warm-up (reported apart). "
                      "The sklearn baseline is the faster of its default BLAS threading and one thread. "
                      "TensorFlow with jit_compile=True (XLA) was measured separately at ~30x slower "
                      "than its graph mode per MNIST step on this CPU, so the RBM uses Keras' default "
                      "jit_compile='auto' (graph mode on a CPU-only TensorFlow).")
    import keras
    import sklearn

    result["versions"] = {"keras": keras.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__}
    # The machine record is taken here, once keras is imported with the anchor's backend.
    _common.write_result("rbm_vs_sklearn_quick" if args.quick else "rbm_vs_sklearn", result, default=str)
    print(json.dumps(result["targets"], indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--hand-written":
        hand_written_tensorflow_worker(sys.argv[2], int(sys.argv[3]) or None, int(sys.argv[4]),
                                       mode=sys.argv[5])
    elif len(sys.argv) > 1 and sys.argv[1] == "--worker":
        problem, limit, spe, jit, seed, policy = sys.argv[2:8]
        jit = {"True": True, "False": False}.get(jit, jit)
        worker(problem, int(limit) or None, int(spe), jit, int(seed), policy)
    else:
        main()
