"""DCGAN training speed on a GPU host with JAX and PyTorch (no TensorFlow).

    KERAS_BACKEND=jax python benchmarks/gpu/dcgan_jax_vs_torch.py            # GPU
    KERAS_BACKEND=jax python benchmarks/gpu/dcgan_jax_vs_torch.py --quick    # CPU smoke test

Times, in the same run, on the same synthetic 64x64x3 images (batch 128,
bfloat16 compute):

1. keras-gen: `DCGAN((64, 64, 3))` under `mixed_bfloat16` trained through
   `fit` (`jit_compile=True`, `steps_per_execution=20`: on JAX each window of
   20 steps runs in one compiled call), the step written once on
   `minimize()`, fed three ways: `fit(x)` on the NumPy array (one-epoch
   calls: auto mode stages the images while the epoch trains), and
   `fit(DeviceDataset(x))` with the images staged on the device, and `fit(x)`
   with keras-gen's automatic staging turned off (`set_device_feed("never")`,
   Keras's own per-batch copy); `*_keras_loop` keeps Keras's Python loop of
   jitted steps (`multi_step_execution = False`, as before issue 22);
2. a raw jitted JAX loop over the same Keras layers (`stateless_call` +
   `optimizer.stateless_apply`, one dispatch per step), also fed two ways:
   images on the device sliced inside the jit, or a NumPy batch per call;
3. an eager PyTorch loop over the same network written in `torch.nn`
   (`torch.autocast(bfloat16)`), no `torch.compile`, data on the device;
4. float32 rows of 1 (NumPy-fed) and 3, for reference.

Runners are warmed up, then timed in `--rounds` alternating rounds (median).
Targets: keras-gen >= 0.95x the raw JAX loop, both reading device memory
(the NumPy-fed pair is reported beside it), NumPy-fed keras-gen >= 2x
eager PyTorch (images per second), and (issue 22) a one-epoch `fit(x)` on
NumPy >= 0.9x the device-fed rate `fit(DeviceDataset(x))`. `--quick` uses tiny sizes (16x16, batch 8, narrow
networks, a few steps) so that the script runs anywhere, CPU included: its
figures say nothing about GPU speed. Writes
benchmarks/results/dcgan_jax_vs_torch[_quick].json.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # benchmarks/, for _common
import _common  # noqa: E402

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gen.data import DeviceDataset  # noqa: E402
from keras_gen.models.gan import DCGAN  # noqa: E402
from keras_gen.trainers import set_device_feed, staged_fit_arguments  # noqa: E402


def settings(quick):
    if quick:
        return dict(side=16, batch=8, base_filters=8, latent=16, steps=6, warmup=2,
                    steps_per_execution=2)
    return dict(side=64, batch=128, base_filters=64, latent=100, steps=200, warmup=20,
                steps_per_execution=20)


def keras_gen_fit(cfg, images, policy="mixed_bfloat16", feed="numpy", epochs=1, multi_step=True):
    """Warms up keras-gen's `fit` and returns a function that times one epoch.

    feed="numpy": `fit(x)` on a host array as a user calls it
    (`set_device_feed("auto")`): each timed epoch is its own one-epoch `fit`
    call, which auto mode stages on the accelerator while the epoch trains.
    feed="keras_numpy": the same with `set_device_feed("never")`, Keras
    copying each batch to the device one step ahead. feed="device":
    `fit(DeviceDataset(x))`, the images staged on the device once, the raw
    loop's placement. epochs > 1: one `fit(..., epochs=epochs)` call per
    timing, reported per epoch, so a staging copy is paid once per call as
    in a user's single `fit`.
    """
    keras.mixed_precision.set_global_policy(policy)
    try:
        gan = DCGAN((cfg["side"], cfg["side"], 3), cfg["latent"], cfg["base_filters"], seed=0)
        gan.compile(jit_compile=True, steps_per_execution=cfg["steps_per_execution"])
        gan.multi_step_execution = multi_step
    finally:
        keras.mixed_precision.set_global_policy("float32")
    batch, steps = cfg["batch"], cfg["steps"]
    if feed == "device":
        datasets = {count: DeviceDataset(images[: count * batch], batch_size=batch, seed=0)
                    for count in (cfg["warmup"], steps)}

        def epoch(count):
            gan.fit(datasets[count], epochs=epochs, verbose=0)
    else:
        mode = "never" if feed == "keras_numpy" else "auto"

        def epoch(count):
            previous = set_device_feed(mode)
            try:
                gan.fit(images[: count * batch], batch_size=batch, epochs=epochs, shuffle=False,
                        verbose=0)
            finally:
                set_device_feed(previous)

    epoch(cfg["warmup"])
    jax.block_until_ready(gan.generator.trainable_weights[0].value)

    def timed():
        start = time.perf_counter()
        epoch(steps)
        jax.block_until_ready(gan.generator.trainable_weights[0].value)
        return (time.perf_counter() - start) / epochs

    return timed


def raw_jax_loop(cfg, images, feed="device"):
    """Warms up a raw jitted JAX loop over the same Keras layers; returns its timer.

    feed="device": the images live on the device and each step slices its batch
    inside the jitted function (one dispatch per step). feed="numpy": each step
    is given its batch as a host array, copied by the call.
    """
    import jax.numpy as jnp

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        gan = DCGAN((cfg["side"], cfg["side"], 3), cfg["latent"], cfg["base_filters"])
    finally:
        keras.mixed_precision.set_global_policy("float32")
    generator, discriminator = gan.generator, gan.discriminator
    g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    batch, latent = cfg["batch"], cfg["latent"]

    def values(variables):
        return [v.value for v in variables]

    def step(state, source, index, key):
        g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov = state
        if feed == "device":
            real = jax.lax.dynamic_slice_in_dim(source, index * batch, batch)
        else:
            real = source
        key_d, key_g = jax.random.split(jax.random.fold_in(key, index))

        def d_loss(d_tv, g_ntv, d_ntv):
            noise = jax.random.normal(key_d, (batch, latent))
            fake, g_ntv = generator.stateless_call(g_tv, g_ntv, noise, training=True)
            fake = jax.lax.stop_gradient(fake)
            real_logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, real, training=True)
            fake_logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, fake, training=True)
            loss = (jax.nn.softplus(-real_logits.astype("float32")).mean()
                    + jax.nn.softplus(fake_logits.astype("float32")).mean())
            return loss, (g_ntv, d_ntv)

        (dl, (g_ntv, d_ntv)), grads = jax.value_and_grad(d_loss, has_aux=True)(d_tv, g_ntv, d_ntv)
        d_tv, d_ov = d_opt.stateless_apply(d_ov, grads, d_tv)

        def g_loss(g_tv, g_ntv, d_ntv):
            noise = jax.random.normal(key_g, (batch, latent))
            fake, g_ntv = generator.stateless_call(g_tv, g_ntv, noise, training=True)
            logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, fake, training=True)
            return jax.nn.softplus(-logits.astype("float32")).mean(), (g_ntv, d_ntv)

        (gl, (g_ntv, d_ntv)), grads = jax.value_and_grad(g_loss, has_aux=True)(g_tv, g_ntv, d_ntv)
        g_tv, g_ov = g_opt.stateless_apply(g_ov, grads, g_tv)
        return (g_tv, g_ntv, d_tv, d_ntv, g_ov, d_ov), (dl, gl)

    step = jax.jit(step, donate_argnums=0)
    state = (values(generator.trainable_variables), values(generator.non_trainable_variables),
             values(discriminator.trainable_variables),
             values(discriminator.non_trainable_variables),
             values(g_opt.variables), values(d_opt.variables))
    key = jax.random.PRNGKey(0)
    if feed == "device":
        device_images = jnp.asarray(images[: max(cfg["steps"], cfg["warmup"]) * batch])

        def source(i):
            return device_images
    else:
        def source(i):
            return images[i * batch : (i + 1) * batch]

    def run(count):
        nonlocal state
        for i in range(count):
            state, losses = step(state, source(i), i, key)
        jax.block_until_ready(state)

    run(cfg["warmup"])

    def timed():
        start = time.perf_counter()
        run(cfg["steps"])
        return time.perf_counter() - start

    return timed


def torch_networks(cfg):
    import torch.nn as nn

    side, f, latent = cfg["side"], cfg["base_filters"], cfg["latent"]
    upsamplings = int(np.log2(side // 4))
    top = f * 2 ** (upsamplings - 1)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Sequential(nn.Linear(latent, 16 * top, bias=False),
                                         nn.BatchNorm1d(16 * top), nn.ReLU())
            layers, channels = [], top
            for _ in range(upsamplings - 1):
                layers += [nn.ConvTranspose2d(channels, channels // 2, 4, 2, 1, bias=False),
                           nn.BatchNorm2d(channels // 2), nn.ReLU()]
                channels //= 2
            layers += [nn.ConvTranspose2d(channels, 3, 4, 2, 1), nn.Tanh()]
            self.body = nn.Sequential(*layers)

        def forward(self, z):
            return self.body(self.project(z).view(-1, top, 4, 4))

    layers, channels = [nn.Conv2d(3, f, 4, 2, 1), nn.LeakyReLU(0.2)], f
    for _ in range(upsamplings - 1):
        layers += [nn.Conv2d(channels, channels * 2, 4, 2, 1, bias=False),
                   nn.BatchNorm2d(channels * 2), nn.LeakyReLU(0.2)]
        channels *= 2
    layers += [nn.Flatten(), nn.Linear(channels * 16, 1)]
    return Generator(), nn.Sequential(*layers)


def torch_eager_loop(cfg, images, autocast=True):
    import torch
    import torch.nn.functional as F

    device = "cuda" if torch.cuda.is_available() else "cpu"
    generator, discriminator = (m.to(device).to(memory_format=torch.channels_last)
                                for m in torch_networks(cfg))
    g_opt = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
    batch, latent = cfg["batch"], cfg["latent"]
    data = torch.from_numpy(images[: max(cfg["steps"], cfg["warmup"]) * batch]).to(device)
    data = data.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)

    def step(real):
        with torch.autocast(device, dtype=torch.bfloat16, enabled=autocast):
            fake = generator(torch.randn(batch, latent, device=device))
            d_loss = (F.softplus(-discriminator(real).float()).mean()
                      + F.softplus(discriminator(fake.detach()).float()).mean())
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        with torch.autocast(device, dtype=torch.bfloat16, enabled=autocast):
            fake = generator(torch.randn(batch, latent, device=device))
            g_loss = F.softplus(-discriminator(fake).float()).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()

    def sync():
        if device == "cuda":
            torch.cuda.synchronize()

    for i in range(cfg["warmup"]):
        step(data[i * batch : (i + 1) * batch])
    sync()

    def timed():
        start = time.perf_counter()
        for i in range(cfg["steps"]):
            step(data[i * batch : (i + 1) * batch])
        sync()
        return time.perf_counter() - start

    return timed, device, torch.__version__


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="tiny sizes; runs on CPU")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    parser.add_argument("--rounds", type=int, default=3, help="timed epochs per runner")
    args = parser.parse_args()
    if keras.backend.backend() != "jax":
        raise SystemExit("Run with KERAS_BACKEND=jax.")
    cfg = settings(args.quick)
    count = max(cfg["steps"], cfg["warmup"]) * cfg["batch"]
    images = np.random.default_rng(0).uniform(-1, 1, (count, cfg["side"], cfg["side"], 3))
    images = images.astype("float32")
    load = os.getloadavg()
    timers = {
        "keras_gen_fit": keras_gen_fit(cfg, images),
        "keras_gen_fit_4_epochs": keras_gen_fit(cfg, images, epochs=4),
        "keras_gen_fit_keras_feed": keras_gen_fit(cfg, images, feed="keras_numpy"),
        "keras_gen_fit_device_data": keras_gen_fit(cfg, images, feed="device"),
        "keras_gen_fit_device_data_keras_loop": keras_gen_fit(cfg, images, feed="device", multi_step=False),
        "raw_jax_loop": raw_jax_loop(cfg, images),
        "raw_jax_loop_host_data": raw_jax_loop(cfg, images, feed="numpy"),
    }
    timers["torch_eager"], torch_device, torch_version = torch_eager_loop(cfg, images)
    # float32 rows for reference (the targets are on bfloat16).
    timers["keras_gen_fit_fp32"] = keras_gen_fit(cfg, images, "float32")
    timers["torch_eager_fp32"] = torch_eager_loop(cfg, images, autocast=False)[0]
    # Rounds alternate between the runners so that a drift in clocks hits all alike.
    rounds = {name: [] for name in timers}
    for _ in range(args.rounds):
        for name, timed in timers.items():
            rounds[name].append(timed())
    seconds = {name: float(np.median(values)) for name, values in rounds.items()}
    rate = {key: cfg["steps"] * cfg["batch"] / value for key, value in seconds.items()}
    # Same data placement on both sides: batches already on the device, and
    # batches copied from host memory each step.
    vs_raw = {"device_data": rate["keras_gen_fit_device_data"] / rate["raw_jax_loop"],
              "host_data": rate["keras_gen_fit_keras_feed"] / rate["raw_jax_loop_host_data"],
              "fit_numpy_vs_fit_keras_feed": rate["keras_gen_fit"] / rate["keras_gen_fit_keras_feed"],
              "fit_numpy_4_epochs_vs_raw_device_data": (rate["keras_gen_fit_4_epochs"]
                                                        / rate["raw_jax_loop"]),
              "fit_host_data_vs_raw_device_data": rate["keras_gen_fit"] / rate["raw_jax_loop"],
              "device_data_keras_loop": rate["keras_gen_fit_device_data_keras_loop"] / rate["raw_jax_loop"]}
    one_epoch_vs_device = rate["keras_gen_fit"] / rate["keras_gen_fit_device_data"]
    vs_torch = rate["keras_gen_fit"] / rate["torch_eager"]
    report = {
        "settings": {**cfg, "rounds": args.rounds,
                     "precision": ("mixed_bfloat16 / torch.autocast(bfloat16); *_fp32 rows "
                                   "float32 on both sides"),
                     "data": "synthetic uniform images, same for all",
                     "feeds": ("keras_gen_fit: fit(NumPy array), one epoch per call (auto mode: "
                               "staged while the epoch trains); keras_gen_fit_4_epochs: the same as one "
                               "fit(x, epochs=4) call, per epoch; *_keras_feed: fit(NumPy array) "
                               "through Keras's per-batch copy (set_device_feed never); *_device_data: "
                               "fit(keras_gen.data.DeviceDataset(x)), shuffled; raw_jax_loop: images on the device, "
                               "sliced inside the jitted step; *_host_data: a NumPy batch per "
                               "step; torch: images on the device")},
        "quick": args.quick,
        "note": "tiny CPU smoke test: figures do not measure GPU speed" if args.quick else None,
        "jax_devices": [str(d) for d in jax.devices()], "torch_device": torch_device,
        "versions": {"jax": jax.__version__, "keras": keras.__version__, "torch": torch_version},
        "tensorflow_imported": "tensorflow" in sys.modules,
        # Whether fit(x) in auto mode staged these images on this device.
        "auto_staging_engaged": type(staged_fit_arguments(
            images, None, (), {"batch_size": cfg["batch"], "epochs": 1})["x"]).__name__ == "DeviceDataset",
        "machine": _common.machine(), "load_average_before_after": [load, os.getloadavg()],
        "seconds_per_round": rounds, "seconds": seconds, "images_per_second": rate,
        "keras_gen_vs_raw_jax": vs_raw, "keras_gen_vs_torch_eager": vs_torch,
        "one_epoch_fit_numpy_vs_device_data": one_epoch_vs_device,
        "fp32_keras_gen_vs_torch_eager": rate["keras_gen_fit_fp32"] / rate["torch_eager_fp32"],
        # The raw loop reads its images from device memory; so does fit here
        # through DeviceDataset. NumPy-fed fit against a NumPy-fed raw loop is
        # reported beside it: that gap is Keras's host-to-device feed.
        "targets": {"keras_gen_vs_raw_jax": ">= 0.95, both reading device memory",
                    "keras_gen_vs_torch_eager": ">= 2.0 (keras-gen fed NumPy, torch from device)",
                    "one_epoch_fit_numpy_vs_device_data": ">= 0.9"},
        "pass": {"keras_gen_vs_raw_jax": bool(vs_raw["device_data"] >= 0.95),
                 "keras_gen_vs_torch_eager": bool(vs_torch >= 2.0),
                 "numpy_fed_vs_numpy_fed_raw_jax_>=_0.95": bool(vs_raw["host_data"] >= 0.95),
                 "one_epoch_fit_numpy_vs_device_data": bool(one_epoch_vs_device >= 0.9)},
    }
    print(json.dumps(report, indent=1))
    _common.write_result("dcgan_jax_vs_torch_quick" if args.quick else "dcgan_jax_vs_torch", report)
    if args.out:
        _common.write_json(args.out, report)


if __name__ == "__main__":
    main()
