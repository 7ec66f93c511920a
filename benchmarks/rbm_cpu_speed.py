"""The CPU RBM against its anchors, timed in alternating rounds (issue 22).

Targets:
- digits, 64 x 100, batch 10, JAX backend: a keras-gen `fit` epoch
  <= 1.0x scikit-learn's `BernoulliRBM` epoch (the faster of its default
  BLAS threading and one thread, in the same round);
- binarized MNIST, 784 x 500, batch 100, one epoch, on TensorFlow and on
  JAX: <= 1.3x the five-matmul floor of the same backend (CD-1's five
  100x784x500 matmuls and the weight update in one compiled loop, nothing
  else), with the test pseudo-likelihood unchanged.

"before" rows run what the issue measured: the RBM step through autodiff of
the free-energy gap (`_plain_energy` off) and, on JAX, Keras's own loop of
jitted steps (`multi_step_execution` off). The pseudo-likelihoods compare
the fused and the autodiff step after one epoch from the same weights and
seeds.

Each backend runs in one long-lived worker process (Keras picks its backend
at import); a model is compiled and warmed up first, then every round times
each configuration once, one after another, restoring the initial weights
and seed state before each timed epoch. Medians and best rounds are
reported with the load average: the 2-core machine is shared.

    python benchmarks/rbm_cpu_speed.py [--quick] [--rounds 5]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import _common

import numpy as np  # noqa: E402

NAME = "rbm_cpu_speed"
SETTINGS = {
    "mnist": {"hidden": 500, "batch": 100, "learning_rate": 0.1, "steps_per_execution": 100},
    "digits": {"hidden": 100, "batch": 10, "learning_rate": 0.06, "steps_per_execution": 200},
}
TARGETS = {"digits_vs_sklearn": 1.0, "mnist_vs_floor": 1.3}


def load(problem, limit=None):
    if problem == "mnist":
        with np.load(os.path.join(_common.DATA, "mnist.npz")) as data:
            x = (data["x_train"].reshape(-1, 784) > 127).astype("float32")
            x_test = (data["x_test"].reshape(-1, 784) > 127).astype("float32")
        return x[:limit], x_test[: None if limit is None else limit // 5]
    from sklearn.datasets import load_digits

    x = (load_digits().data / 16.0).astype("float32")
    return x, x


class Clock:
    """Wall-clock and process CPU seconds (all threads) of a block.

    On a shared machine the wall clock mostly measures the other jobs; the
    CPU seconds of the process measure the work itself (cache and core
    sharing still inflate them).
    """

    def __enter__(self):
        self.started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = {"wall": time.perf_counter() - self.started[0],
                        "cpu": time.process_time() - self.started[1]}


# ------------------------------------------------------------------ worker side
def keras_gen_epoch(problem, x, fused=True, multi_step=True, seed=0):
    """A warmed-up `fit` epoch of keras-gen's RBM; returns (time_it, pseudo_likelihood)."""
    import keras

    from keras_gen.models import RBM

    settings = SETTINGS[problem]
    rbm = RBM(settings["hidden"], seed=seed)
    if not fused:
        rbm._plain_energy = lambda: False
    rbm.multi_step_execution = multi_step
    rbm.compile(optimizer=keras.optimizers.SGD(settings["learning_rate"]),
                steps_per_execution=settings["steps_per_execution"])
    rbm.build((None, x.shape[1]))
    initial = rbm.get_weights()
    seed_state = keras.ops.convert_to_numpy(rbm.seed_generator.state)
    # The warm-up epoch compiles the step and the partial last batch's retrace.
    rbm.fit(x, batch_size=settings["batch"], epochs=1, verbose=0, shuffle=False)

    def epoch():
        rbm.set_weights(initial)
        rbm.seed_generator.state.assign(seed_state)
        with Clock() as clock:
            rbm.fit(x, batch_size=settings["batch"], epochs=1, verbose=0, shuffle=False)
        return clock.seconds

    return epoch, rbm


def floor_epoch(backend, x, settings, sampling=False):
    """CD-1's five matmuls and the weight update for every batch, in one compiled loop.

    `sampling=True`: a hand-written CD-1 instead (sigmoids, the two
    Bernoulli draws, bias updates; no loss, metrics or Keras), to show what
    sampling alone adds to the floor.
    """
    steps, batch = len(x) // settings["batch"], settings["batch"]
    rate = settings["learning_rate"] / batch
    shape = (x.shape[1], settings["hidden"])
    kernel = np.random.default_rng(0).normal(0, 0.01, shape).astype("float32")
    if backend == "jax":
        import jax

        sigmoid = jax.nn.sigmoid

        @jax.jit
        def run(start, data):  # data as an argument: a closed-over array would be compiled in
            def body(i, carry):
                w, b, c, key = carry
                v = data[i]
                if not sampling:
                    h = v @ w
                    v_negative = h @ w.T
                    h_negative = v_negative @ w
                    return w + rate * (v.T @ h - v_negative.T @ h_negative), b, c, key
                key, key_h, key_v = jax.random.split(key, 3)
                h = sigmoid(v @ w + c)
                h_sample = (jax.random.uniform(key_h, h.shape) < h).astype("float32")
                v_probability = sigmoid(h_sample @ w.T + b)
                v_negative = (jax.random.uniform(key_v, v_probability.shape) < v_probability).astype("float32")
                h_negative = sigmoid(v_negative @ w + c)
                return (w + rate * (v.T @ h - v_negative.T @ h_negative), b + rate * (v - v_negative).sum(0),
                        c + rate * (h - h_negative).sum(0), key)

            return jax.lax.fori_loop(0, steps, body, start)

        data = jax.device_put(x[: steps * batch].reshape(steps, batch, -1))
        start = (jax.device_put(kernel), jax.numpy.zeros(shape[0]), jax.numpy.zeros(shape[1]),
                 jax.random.key(0))
        jax.block_until_ready(run(start, data))

        def epoch():
            with Clock() as clock:
                jax.block_until_ready(run(start, data))
            return clock.seconds

        return epoch
    import tensorflow as tf

    data = tf.constant(x[: steps * batch].reshape(steps, batch, -1))
    w = tf.Variable(kernel)
    b, c = tf.Variable(tf.zeros(shape[0])), tf.Variable(tf.zeros(shape[1]))

    @tf.function
    def run():
        def body(i):
            v = data[i]
            if not sampling:
                h = tf.matmul(v, w)
                v_negative = tf.matmul(h, w, transpose_b=True)
                h_negative = tf.matmul(v_negative, w)
            else:
                h = tf.sigmoid(tf.matmul(v, w) + c)
                h_sample = tf.cast(tf.random.stateless_uniform(h.shape, [i, 1]) < h, tf.float32)
                v_probability = tf.sigmoid(tf.matmul(h_sample, w, transpose_b=True) + b)
                v_negative = tf.cast(tf.random.stateless_uniform(v_probability.shape, [i, 2]) < v_probability,
                                     tf.float32)
                h_negative = tf.sigmoid(tf.matmul(v_negative, w) + c)
                b.assign_add(rate * tf.reduce_sum(v - v_negative, 0))
                c.assign_add(rate * tf.reduce_sum(h - h_negative, 0))
            w.assign_add(rate * (tf.matmul(v, h, transpose_a=True)
                                 - tf.matmul(v_negative, h_negative, transpose_a=True)))
            return (i + 1,)

        tf.while_loop(lambda i: i < steps, body, (tf.constant(0),))

    run()

    def epoch():
        w.assign(kernel)
        with Clock() as clock:
            run()
        return clock.seconds

    return epoch


def worker(limit):
    """Builds this backend's configurations, then times one on each request (stdin line = name)."""
    import keras

    from keras_gen.models.rbm.pseudo_likelihood import pseudo_log_likelihood

    backend = keras.backend.backend()
    timers, info = {}, {}
    mnist, mnist_test = load("mnist", limit)
    timers["mnist_floor"] = floor_epoch(backend, mnist, SETTINGS["mnist"])
    timers["mnist_hand_written_cd1"] = floor_epoch(backend, mnist, SETTINGS["mnist"], sampling=True)
    for name, fused in (("mnist_keras_gen", True), ("mnist_before", False)):
        timers[name], rbm = keras_gen_epoch("mnist", mnist, fused=fused, multi_step=True)
        # After the warm-up epoch, trained from the same initial weights and seeds.
        info[f"{name}_test_pseudo_likelihood"] = float(pseudo_log_likelihood(rbm, mnist_test, seed=0).mean())
    if backend == "jax":
        digits, _ = load("digits")
        timers["digits_keras_gen"], _ = keras_gen_epoch("digits", digits)
        timers["digits_before"], _ = keras_gen_epoch("digits", digits, fused=False, multi_step=False)
        timers["digits_keras_loop"], _ = keras_gen_epoch("digits", digits, multi_step=False)
    print(json.dumps({"ready": sorted(timers), "info": info}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        print(json.dumps({"seconds": timers[name]()}), flush=True)


# ------------------------------------------------------------------ main side
class Worker:
    def __init__(self, backend, limit):
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", str(limit or 0)],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = self._read()

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"worker exited with {self.process.wait()}")

    def time(self, name):
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        return self._read()["seconds"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def sklearn_timers():
    from sklearn.neural_network import BernoulliRBM
    from threadpoolctl import threadpool_limits

    settings = SETTINGS["digits"]
    x, _ = load("digits")

    def timer(threads):
        def epoch():
            model = BernoulliRBM(settings["hidden"], learning_rate=settings["learning_rate"],
                                 batch_size=settings["batch"], n_iter=1, random_state=0)
            with threadpool_limits(limits=threads), Clock() as clock:
                model.fit(x)
            return clock.seconds

        epoch()
        return epoch

    return {"digits_sklearn": timer(None), "digits_sklearn_1_thread": timer(1)}


def summary(times):
    return {clock: {"median": float(np.median([t[clock] for t in times])),
                    "best": float(np.min([t[clock] for t in times])),
                    "rounds": [t[clock] for t in times]} for clock in ("wall", "cpu")}


def ratio(numerators, denominators):
    ratios = {}
    for clock in ("wall", "cpu"):
        per_round = [a[clock] / b[clock] for a, b in zip(numerators, denominators)]
        ratios[clock] = {"median_of_rounds": float(np.median(per_round)),
                         "best_round": float(np.min(per_round)), "rounds": per_round}
    return ratios


def target(entry, limit):
    return {"target": f"<= {limit}",
            "cpu_median": entry["cpu"]["median_of_rounds"], "cpu_best_round": entry["cpu"]["best_round"],
            "wall_median": entry["wall"]["median_of_rounds"], "wall_best_round": entry["wall"]["best_round"],
            "pass_cpu_median": bool(entry["cpu"]["median_of_rounds"] <= limit),
            "pass_wall_median": bool(entry["wall"]["median_of_rounds"] <= limit)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 MNIST rows, 2 rounds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    limit = 10000 if args.quick else None
    load_start = os.getloadavg()
    started = time.perf_counter()
    workers = {backend: Worker(backend, limit) for backend in ("jax", "tensorflow")}
    local = sklearn_timers()
    times = {}
    for _ in range(rounds):
        for name, timer in local.items():
            times.setdefault(name, []).append(timer())
        for backend, worker in workers.items():
            for name in worker.ready["ready"]:
                times.setdefault(f"{backend}_{name}", []).append(worker.time(name))
        print({name: {k: round(v, 4) for k, v in values[-1].items()} for name, values in times.items()},
              flush=True)
    for worker in workers.values():
        worker.close()
    anchor = [{clock: min(a[clock], b[clock]) for clock in ("wall", "cpu")}
              for a, b in zip(times["digits_sklearn"], times["digits_sklearn_1_thread"])]
    ratios = {"jax_digits_keras_gen_vs_sklearn": ratio(times["jax_digits_keras_gen"], anchor),
              "jax_digits_before_vs_sklearn": ratio(times["jax_digits_before"], anchor),
              "jax_digits_keras_loop_vs_sklearn": ratio(times["jax_digits_keras_loop"], anchor)}
    pseudo = {}
    for backend in workers:
        floor = times[f"{backend}_mnist_floor"]
        for name in ("keras_gen", "before", "hand_written_cd1"):
            ratios[f"{backend}_mnist_{name}_vs_floor"] = ratio(times[f"{backend}_mnist_{name}"], floor)
        for name in ("keras_gen", "before"):
            pseudo[f"{backend}_{name}"] = workers[backend].ready["info"][
                f"mnist_{name}_test_pseudo_likelihood"]
    targets = {"digits_jax_vs_sklearn": target(ratios["jax_digits_keras_gen_vs_sklearn"],
                                               TARGETS["digits_vs_sklearn"])}
    for backend in workers:
        targets[f"mnist_{backend}_vs_floor"] = {
            **target(ratios[f"{backend}_mnist_keras_gen_vs_floor"], TARGETS["mnist_vs_floor"]),
            "test_pseudo_likelihood": pseudo[f"{backend}_keras_gen"],
            "test_pseudo_likelihood_before": pseudo[f"{backend}_before"]}
    result = {
        "benchmark": NAME, "quick": args.quick, "rounds": rounds, "mnist_rows": limit or 60000,
        "settings": SETTINGS, "load_average_start": load_start, "load_average_end": os.getloadavg(),
        "wall_seconds": time.perf_counter() - started,
        "seconds": {name: summary(values) for name, values in times.items()},
        "ratios": ratios, "targets": targets,
        "note": ("Epochs of one fit call (warmed up; compile excluded), every configuration "
                 "once per round in turn, in wall-clock and process CPU seconds. The machine's "
                 "2 cores were shared with other jobs (see the load averages): the wall clock "
                 "then mostly measures them, the CPU seconds the work itself. Medians of "
                 "per-round ratios are the figures, best rounds beside them."),
    }
    path = _common.write_result(NAME + ("_quick" if args.quick else ""), result)
    print(json.dumps(targets, indent=2))
    print("wrote", path)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sys.path.insert(0, _common.ROOT)
        worker(int(sys.argv[2]) or None)
    else:
        main()
