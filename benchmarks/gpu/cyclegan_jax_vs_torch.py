"""CycleGAN 128 px throughput: keras-gen `CycleGAN.fit` on JAX vs a plain
PyTorch loop of the same networks and losses, in one run.

Networks (Zhu et al. 2017): ResNet generators c7s1-64, d128, d256, 6 x R256,
u128, u64, c7s1-3 with reflection padding and instance norm; 70x70 PatchGAN
discriminators; least-squares GAN + 10 x cycle + 5 x identity L1; Adam(2e-4,
beta_1=0.5) for both generators and both discriminators; batch 4.

    KERAS_BACKEND=jax python benchmarks/gpu/cyclegan_jax_vs_torch.py [--quick] [--out FILE]

`--quick` (32 px, 4 filters, 1 residual block) only checks that it runs.
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


def keras_images_per_second(a, b, batch, config, policy):
    from keras_gen.models.cyclegan import CycleGAN

    keras.mixed_precision.set_dtype_policy(policy)
    model = CycleGAN(image_size=config["size"], generator_filters=config["filters"],
                     discriminator_filters=config["filters"],
                     residual_blocks=config["blocks"], pool_size=50, seed=0)
    model.compile(jit_compile=True, steps_per_execution=len(a) // batch)
    model.fit(a, b, batch_size=batch, epochs=1, verbose=0)  # compile
    start = time.perf_counter()
    model.fit(a, b, batch_size=batch, epochs=2, verbose=0)
    elapsed = time.perf_counter() - start
    keras.mixed_precision.set_dtype_policy("float32")
    return 2 * len(a) / elapsed


def torch_networks(config, device):
    import torch
    from torch import nn

    f = config["filters"]

    def conv_block(cin, cout, kernel, stride=1, reflect=0, norm=True, act=True, transpose=False):
        layers = [nn.ReflectionPad2d(reflect)] if reflect else []
        if transpose:
            layers.append(nn.ConvTranspose2d(cin, cout, 3, 2, padding=1, output_padding=1))
        else:
            layers.append(nn.Conv2d(cin, cout, kernel, stride, padding=0 if reflect else kernel // 2
                                    if stride == 1 else 1))
        if norm:
            layers.append(nn.InstanceNorm2d(cout, affine=True))
        if act:
            layers.append(nn.ReLU())
        return layers

    class Residual(nn.Module):
        def __init__(self, channels):
            super().__init__()
            self.body = nn.Sequential(*conv_block(channels, channels, 3, reflect=1),
                                      *conv_block(channels, channels, 3, reflect=1, act=False))

        def forward(self, x):
            return x + self.body(x)

    def generator():
        layers = conv_block(3, f, 7, reflect=3) + conv_block(f, 2 * f, 3, 2) + \
            conv_block(2 * f, 4 * f, 3, 2)
        layers += [Residual(4 * f) for _ in range(config["blocks"])]
        layers += conv_block(4 * f, 2 * f, 3, transpose=True) + conv_block(2 * f, f, 3, transpose=True)
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(f, 3, 7), nn.Tanh()]
        return nn.Sequential(*layers).to(device)

    def discriminator():
        layers, channels = [nn.Conv2d(3, f, 4, 2, 1), nn.LeakyReLU(0.2)], f
        for block in (1, 2, 3):
            out = f * min(2 ** block, 8)
            layers += [nn.Conv2d(channels, out, 4, 2 if block < 3 else 1, 1),
                       nn.InstanceNorm2d(out, affine=True), nn.LeakyReLU(0.2)]
            channels = out
        layers.append(nn.Conv2d(channels, 1, 4, 1, 1))
        return nn.Sequential(*layers).to(device)

    return torch, generator(), generator(), discriminator(), discriminator()


def torch_images_per_second(a, b, batch, config):
    import torch as _torch

    device = "cuda" if _torch.cuda.is_available() else "cpu"
    torch, g_ab, g_ba, d_a, d_b = torch_networks(config, device)
    adam = lambda params: torch.optim.Adam(params, 2e-4, betas=(0.5, 0.999))  # noqa: E731
    g_opt = adam(list(g_ab.parameters()) + list(g_ba.parameters()))
    d_opt = adam(list(d_a.parameters()) + list(d_b.parameters()))
    a = torch.from_numpy(a).permute(0, 3, 1, 2).contiguous().to(device)
    b = torch.from_numpy(b).permute(0, 3, 1, 2).contiguous().to(device)
    l1 = lambda x, y: (x - y).abs().mean()  # noqa: E731
    ls = lambda logits, target: ((logits - target) ** 2).mean()  # noqa: E731

    def step(real_a, real_b):
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        g_loss = (ls(d_b(fake_b), 1.0) + ls(d_a(fake_a), 1.0)
                  + 10 * (l1(g_ba(fake_b), real_a) + l1(g_ab(fake_a), real_b))
                  + 5 * (l1(g_ab(real_b), real_b) + l1(g_ba(real_a), real_a)))
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        d_loss = 0.5 * (ls(d_b(real_b), 1.0) + ls(d_b(fake_b.detach()), 0.0)
                        + ls(d_a(real_a), 1.0) + ls(d_a(fake_a.detach()), 0.0))
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()

    def epoch():
        for i in range(0, len(a) - batch + 1, batch):
            step(a[i:i + batch], b[i:i + batch])

    epoch()
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    epoch()
    epoch()
    if device == "cuda":
        torch.cuda.synchronize()
    return 2 * (len(a) // batch) * batch / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    config = ({"size": 32, "filters": 4, "blocks": 1, "steps": 2} if args.quick
              else {"size": 128, "filters": 64, "blocks": 6, "steps": 20})
    batch = 2 if args.quick else 4
    rng = np.random.default_rng(0)
    shape = (batch * config["steps"], config["size"], config["size"], 3)
    a, b = (rng.uniform(-1, 1, shape).astype("float32") for _ in range(2))
    result = {"model": f"CycleGAN {config['size']} px", "config": config, "batch": batch,
              "keras_jax_fp32_images_per_s": keras_images_per_second(a, b, batch, config, "float32"),
              "keras_jax_bf16_images_per_s": keras_images_per_second(a, b, batch, config,
                                                                     "mixed_bfloat16"),
              "torch_eager_fp32_images_per_s": torch_images_per_second(a, b, batch, config),
              "quick": args.quick}
    result["ratio_fp32_vs_torch"] = (result["keras_jax_fp32_images_per_s"]
                                     / result["torch_eager_fp32_images_per_s"])
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        _common.write_json(args.out, result)


if __name__ == "__main__":
    main()
