"""50 concurrent requests to the demo's GAN sample endpoint: errors, p50/p95 latency.

Launches the demo app (`python -m keras_gen.apps RUN`, the shipped DCGAN
preset `dcgan_mnist`; `--quick`: 10 requests) in its own process on 127.0.0.1 with its
default queue (concurrency limit 4), then fires
`--requests` requests at once from as many threads through gradio_client,
each asking for a 16-image grid from its own seed. Anchors measured in the
same run: one request at a time through the same app (sequential p50), and
the bare ONNX Runtime call that makes the grid (no HTTP).

    python benchmarks/app_concurrency.py [--quick] [--requests 50]

Writes benchmarks/results/app_concurrency[_quick].json and a PNG of one reply.
"""

import argparse
import concurrent.futures
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentiles(values):
    values = np.asarray(values, dtype="float64") * 1000.0
    return {"p50_ms": float(np.percentile(values, 50)), "p95_ms": float(np.percentile(values, 95)),
            "max_ms": float(values.max()), "mean_ms": float(values.mean())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 requests (smoke run)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--count", type=int, default=16, help="images per request")
    parser.add_argument("--concurrency", type=int, default=None, help="app's concurrency limit (default: the app's)")
    args = parser.parse_args()

    import gradio
    import keras
    import onnxruntime
    from gradio_client import Client

    from keras_gen.apps.defaults import default_runs
    from keras_gen.apps.gan_tab import GANDemo
    from keras_gen.apps.launcher import DEFAULT_CONCURRENCY
    from keras_gen.apps.runs import prepare_run
    from keras_gen import __version__
    from keras_gen.utils import atomic_path

    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    if args.quick:
        args.requests = min(args.requests, 10)
    cache = tempfile.mkdtemp(prefix="keras-gen-bench-")
    server = None
    try:
        runs, _ = default_runs(names=["dcgan_mnist"], root=cache)
        bundle = prepare_run(runs[0])
        demo = GANDemo(bundle)
        for seed in range(5):  # warm-up of the bare call
            demo.sample(seed, args.count)
        bare = []
        for seed in range(50):
            start = time.perf_counter()
            demo.sample(seed, args.count)
            bare.append(time.perf_counter() - start)

        port = free_port()
        # The server gets its own process (and GIL), as in real use.
        server = subprocess.Popen(
            [sys.executable, "-m", "keras_gen.apps", runs[0], "--port", str(port), "--concurrency", str(concurrency)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = None
        for _ in range(600):
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                break
            except Exception:  # not up yet
                if server.poll() is not None:
                    raise RuntimeError("the demo server exited during start-up")
                time.sleep(0.5)
        for seed in range(3):
            client.predict(seed, args.count, api_name="/gan_sample")
        sequential = []
        for seed in range(20):
            start = time.perf_counter()
            client.predict(seed, args.count, api_name="/gan_sample")
            sequential.append(time.perf_counter() - start)

        def request(seed):
            start = time.perf_counter()
            try:
                path = client.predict(seed, args.count, api_name="/gan_sample")
                return time.perf_counter() - start, None, path
            except Exception as error:  # counted, not raised: the figure is the error count
                return time.perf_counter() - start, f"{type(error).__name__}: {error}", None

        load_before = os.getloadavg()
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.requests) as pool:
            results = list(pool.map(request, range(1000, 1000 + args.requests)))
        wall = time.perf_counter() - start
        load_after = os.getloadavg()
        errors = [error for _, error, _ in results if error]
        latencies = [seconds for seconds, error, _ in results if not error]
        distinct = len({open(path, "rb").read() for _, _, path in results if path})
        suffix = "_quick" if args.quick else ""
        os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
        picture = os.path.join(ROOT, "benchmarks", "results", f"app_concurrency{suffix}_sample.png")
        first = next((path for _, _, path in results if path), None)
        if first:
            from PIL import Image

            with atomic_path(picture) as tmp:
                Image.open(first).save(tmp, format="PNG")
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)

    concurrent_stats = percentiles(latencies) if latencies else {}
    sequential_stats = percentiles(sequential)
    record = {
        "benchmark": f"app_concurrency{suffix}",
        "task": f"{args.requests} concurrent requests to /gan_sample ({args.count}-image grid each) "
                "of the keras-gen demo app",
        "model": "the dcgan_mnist preset (28x28 digits), its generator's packed ONNX artifact served "
                 "with ONNX Runtime",
        "settings": {"requests": args.requests, "images_per_request": args.count,
                     "app_concurrency_limit": concurrency, "client_threads": args.requests,
                     "host": "127.0.0.1", "server": "python -m keras_gen.apps RUN (own process)"},
        "errors": len(errors),
        "error_messages": sorted(set(errors))[:5],
        "distinct_replies": distinct,
        "concurrent": concurrent_stats,
        "wall_seconds": wall,
        "throughput_requests_per_second": args.requests / wall,
        "anchor": {
            "sequential_through_app": sequential_stats,
            "bare_onnx_grid_ms_p50": percentiles(bare)["p50_ms"],
        },
        "ratio_p95_concurrent_to_sequential_p50": (
            concurrent_stats["p95_ms"] / sequential_stats["p50_ms"] if latencies else None),
        "target": f"{args.requests} concurrent requests: 0 errors; report p50/p95",
        "passed": not errors and len(latencies) == args.requests,
        "load_average": {"before": list(load_before), "after": list(load_after)},
        "machine": {
            "platform": platform.platform(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "backend": keras.backend.backend(), "keras": keras.__version__, "keras_gen": __version__,
            "versions": {"gradio": gradio.__version__, "onnxruntime": onnxruntime.__version__},
        },
        "picture": os.path.relpath(picture, ROOT) if first else None,
    }
    path = os.path.join(ROOT, "benchmarks", "results", f"app_concurrency{suffix}.json")
    with atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            json.dump(record, handle, indent=2)
            handle.write("\n")
    print(json.dumps({k: record[k] for k in ("errors", "concurrent", "anchor", "passed")}, indent=2))
    print(f"wrote {path}")
    return 0 if record["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
