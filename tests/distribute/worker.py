"""Trains one tiny model for two steps in one distribution setting and saves
every weight and optimizer variable (the subprocess side of the equality tests).

    python tests/distribute/worker.py SETTING MODEL[,MODEL...] OUT_DIR
        [--identical-noise] [--backup DIR]

SETTING: `single` (one device, any backend), `mirrored` (TF
MirroredStrategy on 2 logical CPUs), `multi_worker` (TF
MultiWorkerMirroredStrategy from TF_CONFIG), `data_parallel` /
`model_parallel` (JAX keras.distribution; the parent sets XLA_FLAGS).

Data: every replica `r` gets its own slice `S_r` ("split", for models whose
noise is part of the data) or the same slice ("duplicated", models that draw
noise); the one-device reference trains on the global batches. Device
configuration must happen before Keras creates a tensor, hence a fresh
process per run.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

PER_REPLICA_BATCH = 4
STEPS = 2
REPLICAS = 2


def _configure(setting):
    if setting == "mirrored":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * REPLICAS
        )


def _jax_distribution(setting):
    import keras

    from keras_gen.distribute import model_parallel

    devices = keras.distribution.list_devices()
    if setting == "data_parallel":
        return keras.distribution.DataParallel(devices=devices)
    mesh = keras.distribution.DeviceMesh((1, len(devices)), ("batch", "model"), devices)
    return model_parallel(mesh)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("setting")
    parser.add_argument("models")
    parser.add_argument("out")
    parser.add_argument("--identical-noise", action="store_true")
    parser.add_argument("--backup", default=None)
    args = parser.parse_args()
    _configure(args.setting)

    import keras
    import numpy as np

    keras.config.disable_traceback_filtering()  # full tracebacks in the test log

    from tests.distribute import problems
    from keras_gen.trainers import replicas

    if args.identical_noise:
        # Every replica draws the noise replica 0 draws, so a run on
        # duplicated data must equal one device exactly.
        replicas.replica_id = lambda: 0

    strategy = None
    if args.setting == "mirrored":
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(REPLICAS)])
    elif args.setting == "multi_worker":
        from keras_gen.distribute import multi_worker_strategy

        strategy = multi_worker_strategy()

    from keras_gen.distribute import is_chief
    from keras_gen.utils import atomic_path

    os.makedirs(args.out, exist_ok=True)
    for name in args.models.split(","):
        # Fresh layer names, so weight paths match whatever ran before.
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        if args.setting in ("data_parallel", "model_parallel"):
            # clear_session() also forgets the distribution: set it again.
            keras.distribution.set_distribution(_jax_distribution(args.setting))
        problem = problems.PROBLEMS[name]
        # JAX's keras.distribution runs one program over the global batch,
        # noise included, so split data compares exactly there.
        replica_data = "split" if keras.backend.backend() == "jax" else problem.replica_data
        slices = problems.replica_slices(problem, replica_data, REPLICAS, PER_REPLICA_BATCH * STEPS)
        callbacks = []
        if args.backup:
            from keras_gen.callbacks.backup_and_restore import BackupAndRestore

            callbacks.append(BackupAndRestore(os.path.join(args.backup, name),
                                              delete_checkpoint=False))
        if strategy is None:
            model = problem.build()
            if args.setting == "single" and replica_data == "duplicated":
                data, batch = slices[0], PER_REPLICA_BATCH
            else:
                # One device sees the global batch: the replicas' slices side by side.
                data = problems.global_batches(slices, PER_REPLICA_BATCH)
                batch = PER_REPLICA_BATCH * len(slices)
            inputs = tuple(data) if problem.supervised else (data,)
            history = model.fit(*inputs, batch_size=batch, epochs=1, shuffle=False, verbose=0,
                                callbacks=callbacks)
        else:
            with strategy.scope():
                model = problem.build()
            dataset = problems.distributed_dataset(strategy, slices, PER_REPLICA_BATCH,
                                                   problem.supervised)
            history = model.fit(dataset, epochs=1, steps_per_epoch=STEPS, verbose=0,
                                callbacks=callbacks)
        values = {f"weight/{w.path}": keras.ops.convert_to_numpy(w) for w in model.weights}
        values.update({f"optimizer/{i}": keras.ops.convert_to_numpy(v)
                       for i, v in enumerate(model.optimizer.variables)})
        values.update({f"log/{k}": np.asarray(v[-1]) for k, v in history.history.items()})
        values["info/replica_noise"] = np.asarray(problems.uses_replica_noise(model))
        if keras.backend.backend() == "jax":
            values["info/sharded_variables"] = np.asarray(sum(
                not w.value.sharding.is_fully_replicated for w in model.weights))
        suffix = "" if is_chief() else f".worker{os.getpid()}"
        with atomic_path(os.path.join(args.out, f"{name}{suffix}.npz")) as tmp:
            np.savez(tmp, **values)

if __name__ == "__main__":
    main()
