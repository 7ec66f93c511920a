"""Forced divergences: does `DivergenceGuard` catch them, soon, and restore a good state?

Targets (issue 20): every run of forced divergences (learning rates 1e1-1e3
on DCGAN, VAE, autoencoder and RBM; one NaN pixel in the data) is caught
within 50 steps of the first bad step, and the guard never restores a state
whose loss is worse than 10x the best seen. Runs at the default learning
rates are controls: the guard must leave them alone.

Each case trains twice from the same seed on scikit-learn's 8x8 digits:

- an oracle run without the guard, one step per call, records every step's
  watched loss (the batch loss Keras averages into its logs: `loss`;
  `d_loss + g_loss` for the DCGAN; the reconstruction error for the RBM,
  whose `loss` is the CD surrogate) and the RMS of the trainable weights
  after the step. Its first bad step is the first whose loss is non-finite
  or above 10x the lowest loss of the steps before it, or after which the
  weights' RMS is above 10x max(its start, 1);
- a guarded run, with the `steps_per_execution` `keras-gen train` uses
  (10 for the DCGAN on TensorFlow and JAX, else 1), reports the step at
  which the guard stopped and the state it restored; that state's loss on
  the first 64 training samples (`model.evaluate`) is compared with the
  lowest loss the oracle saw before the guard's stop.

The NaN-pixel cases feed the data through a `keras.utils.PyDataset`, which
`fit` cannot check up front (a NumPy array with a NaN is refused before
training starts: recorded as `numpy_fit_refused`).

    python benchmarks/divergence_guard.py           # 3 learning rates x 4 families
    python benchmarks/divergence_guard.py --quick   # smoke run: lr 1e3 and one NaN case

Writes benchmarks/results/divergence_guard[_quick].json on TensorFlow (the
reference), divergence_guard[_quick]_<backend>.json on another backend.
"""

import argparse
import math
import time

import _common

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.callbacks.divergence_guard import DivergenceGuard  # noqa: E402

FAMILIES = ("dcgan", "vae", "autoencoder", "rbm")
DEFAULT_LR = {"dcgan": 2e-4, "vae": 1e-3, "autoencoder": 1e-3, "rbm": 0.06}
BATCH = {"dcgan": 32, "vae": 32, "autoencoder": 32, "rbm": 10}
CATCH_WITHIN = 50
RESTORE_FACTOR = 10.0


def load(family):
    from keras_gen.data import load_dataset

    x, _ = load_dataset("digits", split="train", scale="signed" if family == "dcgan" else "unit")
    x = x.astype("float32")
    if family == "vae":  # a Bernoulli decoder: binary data, a positive loss
        x = (x > 0.5).astype("float32")
    if family in ("vae", "autoencoder", "rbm"):
        x = x.reshape(len(x), -1)
    return x


def build(family, learning_rate, steps_per_execution):
    keras.utils.set_random_seed(0)
    if family == "dcgan":
        from keras_gen.models.gan import DCGAN

        model = DCGAN((8, 8, 1), latent_dim=16, base_filters=16, seed=0)
        model.compile(generator_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                      discriminator_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                      steps_per_execution=steps_per_execution)
        return model
    if family == "vae":
        from keras_gen.models.vae import VAE

        model = VAE.dense((64,), latent_dim=4, hidden_units=(64,), seed=0)
    elif family == "autoencoder":
        from keras_gen.models.autoencoders import Autoencoder

        model = Autoencoder.dense((64,), code_dim=8, hidden_units=(64,), seed=0)
    else:
        from keras_gen.models.rbm import RBM

        model = RBM(hidden_units=32, seed=0)
        model.build((None, 64))
        model.compile(optimizer=keras.optimizers.SGD(learning_rate),
                      steps_per_execution=steps_per_execution)
        return model
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  steps_per_execution=steps_per_execution)
    return model


def watched_loss(family, logs):
    if family == "dcgan":
        return logs["d_loss"] + logs["g_loss"]
    return logs["reconstruction_error" if family == "rbm" else "loss"]


class Stream(keras.utils.PyDataset):
    """The data in a fixed order, batch by batch (nothing checks it up front)."""

    def __init__(self, x, batch_size):
        super().__init__()
        self.x, self.batch_size = x, batch_size

    def __len__(self):
        return len(self.x) // self.batch_size

    def __getitem__(self, index):
        return (self.x[index * self.batch_size : (index + 1) * self.batch_size],)


class Recorder(keras.callbacks.Callback):
    """Per-step watched loss (from Keras's running means) and weight RMS."""

    def __init__(self, family):
        super().__init__()
        self.family, self.losses, self.rms = family, [], []

    def on_train_begin(self, logs=None):
        self.rms0 = self._rms()

    def on_epoch_begin(self, epoch, logs=None):
        self.previous = {}

    def _rms(self):
        if hasattr(self.model, "jax_state_sync"):
            self.model.jax_state_sync()
        values = [keras.ops.convert_to_numpy(v).astype("float64").ravel()
                  for v in self.model.trainable_variables]
        return float(np.sqrt(np.mean(np.concatenate(values) ** 2)))

    def on_train_batch_end(self, batch, logs=None):
        step = {}
        for key, mean in logs.items():
            mean = float(mean)
            step[key] = (batch + 1) * mean - batch * self.previous.get(key, 0.0)
            self.previous[key] = mean
        self.losses.append(watched_loss(self.family, step))
        self.rms.append(self._rms())


def first_bad_step(losses, rms, rms0):
    best = math.inf
    for index, (loss, weights) in enumerate(zip(losses, rms)):
        if not math.isfinite(loss) or loss > RESTORE_FACTOR * best:
            return index + 1, best  # steps are counted from 1, as the guard does
        if not math.isfinite(weights) or weights > RESTORE_FACTOR * max(rms0, 1.0):
            return index + 1, min(best, loss)
        best = min(best, loss)
    return None, best


def data_for(family, x, nan_pixel, batch):
    if not nan_pixel:
        return dict(x=x, batch_size=batch, shuffle=False)
    x = x.copy()
    x[5 * batch + 3].flat[7] = np.nan  # in the 6th batch
    return dict(x=Stream(x, batch), shuffle=False)


def run_case(family, learning_rate, nan_pixel, epochs):
    backend = keras.backend.backend()
    batch = BATCH[family]
    x = load(family)
    fit_data = data_for(family, x, nan_pixel, batch)
    started = time.time()
    oracle = build(family, learning_rate, 1)
    recorder = Recorder(family)
    oracle.fit(**fit_data, epochs=epochs, verbose=0, callbacks=[recorder])
    bad, _ = first_bad_step(recorder.losses, recorder.rms, recorder.rms0)
    spe = 10 if family == "dcgan" and backend != "torch" else 1
    model = build(family, learning_rate, spe)
    guard = DivergenceGuard(verbose=0)
    model.fit(**fit_data, epochs=epochs, verbose=0, callbacks=[guard])
    case = {"family": family, "learning_rate": learning_rate, "nan_pixel": nan_pixel,
            "steps_per_execution": spe, "oracle_steps": len(recorder.losses),
            "first_bad_step": bad, "oracle_first_loss": recorder.losses[0],
            "oracle_best_loss": min(v for v in recorder.losses if math.isfinite(v)),
            "oracle_last_loss": recorder.losses[-1], "oracle_weight_rms_start": recorder.rms0,
            "oracle_weight_rms_max": max(recorder.rms), "stopped": guard.stopped,
            "stop_step": guard.divergence["step"] if guard.stopped else None,
            "restored_step": guard.divergence["restored_step"] if guard.stopped else None,
            "reason": guard.reason}
    if guard.stopped:
        until = guard.divergence["step"]
        best = min((v for v in recorder.losses[:until] if math.isfinite(v)), default=math.inf)
        logs = model.evaluate(x[:64], batch_size=64, verbose=0, return_dict=True)
        restored = watched_loss(family, logs)
        case.update(best_loss_seen=best, restored_loss=restored,
                    restored_ratio=restored / best if best > 0 else None,
                    restored_within_10x=bool(math.isfinite(restored)
                                            and restored <= RESTORE_FACTOR * best))
    if bad is not None:
        case["caught_within_50"] = bool(guard.stopped and case["stop_step"] - bad <= CATCH_WITHIN
                                        and case["stop_step"] >= 1)
        case["steps_after_first_bad"] = case["stop_step"] - bad if guard.stopped else None
    if nan_pixel:
        try:
            build(family, learning_rate, 1).fit(_with_nan(x), batch_size=batch, epochs=1,
                                                verbose=0)
            case["numpy_fit_refused"] = False
        except ValueError as error:
            case["numpy_fit_refused"] = "finite" in str(error)
    case["seconds"] = round(time.time() - started, 1)
    return case


def _with_nan(x):
    x = x.copy()
    x.flat[100] = np.nan
    return x


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: lr 1e3 and one NaN case")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of a forced divergence")
    parser.add_argument("--control-epochs", type=int, default=10,
                        help="epochs of a control run at the default learning rate")
    args = parser.parse_args(argv)
    rates = (1e3,) if args.quick else (1e1, 1e2, 1e3)
    families = ("vae", "rbm") if args.quick else FAMILIES
    cases = [(f, lr, False) for f in families for lr in rates]
    cases += [(f, DEFAULT_LR[f], True) for f in (families[:1] if args.quick else families)]
    controls = [] if args.quick else [(f, DEFAULT_LR[f], False) for f in families]
    started = time.time()
    results, control_results = [], []
    for family, lr, nan_pixel in cases + controls:
        epochs = args.control_epochs if (family, lr, nan_pixel) in controls else args.epochs
        case = run_case(family, lr, nan_pixel, 1 if args.quick else epochs)
        (control_results if (family, lr, nan_pixel) in controls else results).append(case)
        print({k: case[k] for k in ("family", "learning_rate", "nan_pixel", "first_bad_step",
                                    "stop_step", "restored_step")}, case.get("restored_ratio"),
              flush=True)
    forced = [c for c in results if c["first_bad_step"] is not None]
    calm = [c for c in results if c["first_bad_step"] is None]
    summary = {
        "cases": len(results),
        "cases_that_went_bad": len(forced),
        "caught": sum(c["stopped"] for c in forced),
        "caught_within_50_steps_of_first_bad": sum(c.get("caught_within_50", False) for c in forced),
        "max_steps_after_first_bad": max((c["steps_after_first_bad"] for c in forced
                                          if c["steps_after_first_bad"] is not None), default=None),
        "restored_within_10x_best": sum(c.get("restored_within_10x", False) for c in results),
        "max_restored_ratio": max((c["restored_ratio"] for c in results
                                   if c.get("restored_ratio") is not None), default=None),
        # Forced cases whose training never went bad by the oracle's own measure.
        "cases_that_never_went_bad": [f"{c['family']} lr {c['learning_rate']:g}" for c in calm],
        "stopped_although_never_bad": sum(c["stopped"] for c in calm),
        "controls": len(control_results),
        "false_alarms_in_controls": sum(c["stopped"] for c in control_results),
    }
    stopped = sum(c["stopped"] for c in results)
    summary["target_met"] = bool(
        summary["caught"] == summary["cases_that_went_bad"]
        and summary["caught_within_50_steps_of_first_bad"] == summary["cases_that_went_bad"]
        and summary["restored_within_10x_best"] == stopped
        and summary["false_alarms_in_controls"] == 0)
    # TensorFlow is the reference run; other backends are written beside it.
    backend = keras.backend.backend()
    name = "divergence_guard" + ("_quick" if args.quick else "") + (
        "" if backend == "tensorflow" else f"_{backend}")
    path = _common.write_result(name, {
        "targets": {"caught_within_steps": CATCH_WITHIN, "restored_loss_at_most_x_best":
                    RESTORE_FACTOR},
        "summary": summary, "cases": results, "controls": control_results,
        "data": "scikit-learn digits 8x8 (1,437 training images)",
        "epochs": 1 if args.quick else args.epochs,
        "control_epochs": None if args.quick else args.control_epochs,
        "wall_seconds": round(time.time() - started, 1),
    })
    print(summary)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
