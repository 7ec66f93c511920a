"""VAE throughput: keras-gen `VAE.fit` on JAX vs a plain PyTorch loop of the
same network (784-512-256-z32 MLP, Bernoulli decoder, Adam), in one run.

    KERAS_BACKEND=jax python benchmarks/gpu/vae_jax_vs_torch.py [--quick] [--out FILE]

Needs JAX and PyTorch, not TensorFlow. `--quick` is a tiny CPU smoke run.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # benchmarks/, for _common
import _common  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

HIDDEN, LATENT, FEATURES = (512, 256), 32, 784


def keras_images_per_second(x, batch, steps, dtype_policy):
    from keras_gen.models.vae import VAE

    keras.mixed_precision.set_dtype_policy(dtype_policy)
    model = VAE.dense((FEATURES,), latent_dim=LATENT, hidden_units=HIDDEN, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=steps, jit_compile=True)
    model.fit(x, batch_size=batch, epochs=1, verbose=0)  # compile
    start = time.perf_counter()
    model.fit(x, batch_size=batch, epochs=2, verbose=0)
    elapsed = time.perf_counter() - start
    keras.mixed_precision.set_dtype_policy("float32")
    return 2 * len(x) / elapsed


def torch_images_per_second(x, batch, steps):
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    encoder = torch.nn.Sequential(torch.nn.Linear(FEATURES, HIDDEN[0]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[0], HIDDEN[1]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[1], 2 * LATENT)).to(device)
    decoder = torch.nn.Sequential(torch.nn.Linear(LATENT, HIDDEN[1]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[1], HIDDEN[0]), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN[0], FEATURES)).to(device)
    parameters = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(parameters, lr=1e-3)
    data = torch.from_numpy(x).to(device)

    def step(v):
        z_mean, z_log_var = encoder(v).chunk(2, dim=-1)
        z = z_mean + torch.exp(0.5 * z_log_var) * torch.randn_like(z_mean)
        logits = decoder(z)
        reconstruction = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, v, reduction="none").sum(-1)
        kl = -0.5 * (1 + z_log_var - z_mean ** 2 - z_log_var.exp()).sum(-1)
        loss = (reconstruction + kl).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def epoch():
        for i in range(0, len(data) - batch + 1, batch):
            step(data[i:i + batch])

    epoch()
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    epoch()
    epoch()
    if device == "cuda":
        torch.cuda.synchronize()
    return 2 * (len(data) // batch) * batch / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    batch, steps = (64, 4) if args.quick else (1024, 50)
    x = (np.random.default_rng(0).random((batch * steps, FEATURES)) > 0.5).astype("float32")
    result = {
        "model": "VAE 784-512-256-z32, Bernoulli decoder, Adam",
        "batch": batch,
        "keras_jax_fp32_images_per_s": keras_images_per_second(x, batch, steps, "float32"),
        "keras_jax_bf16_images_per_s": keras_images_per_second(x, batch, steps, "mixed_bfloat16"),
        "torch_eager_fp32_images_per_s": torch_images_per_second(x, batch, steps),
        "quick": args.quick,
    }
    result["ratio_fp32_vs_torch"] = (result["keras_jax_fp32_images_per_s"]
                                     / result["torch_eager_fp32_images_per_s"])
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        _common.write_json(args.out, result)


if __name__ == "__main__":
    main()
