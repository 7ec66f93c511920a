"""The demo under load: 50 people sampling at once, 20 identical requests to every image endpoint.

Launches the demo (`python -m keras_gen.apps RUN...`, the shipped presets;
`--quick`: 10 users, 5 identical requests) in its own process on 127.0.0.1 with
its default settings, then:

1. `--users` separate `gradio_client.Client`s with default settings (each its
   own session and its own 5-second HTTP timeouts, as that many people would
   have) call `/gan_sample` with the default inputs at once;
2. for every endpoint that returns a picture, `--identical` of those clients
   send the same request at once (the UI's default inputs; a drawn digit for
   sketches, a test-set facade for uploads).

Every reply is checked: each picture file must be non-empty, decode, not be
one flat colour, and identical requests must get identical bytes. Reported:
errors, empty/corrupt/blank pictures, p50/p95 latency, and the server's
resident memory before and after (target: within 10 %). Anchor, same run:
one request at a time through the same app (sequential p50 of `/gan_sample`).

    python benchmarks/app_concurrency.py [--quick] [--users 50] [--identical 20]

Writes benchmarks/results/app_concurrency[_quick].json.
"""

import argparse
import concurrent.futures
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import _common
import numpy as np

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = _common.ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentiles(seconds):
    values = np.asarray(seconds, dtype="float64") * 1000.0
    if not len(values):
        return {}
    return {"p50_ms": float(np.percentile(values, 50)), "p95_ms": float(np.percentile(values, 95)),
            "max_ms": float(values.max()), "count": int(len(values))}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def input_files(folder):
    """A digit drawn dark on a white RGBA canvas (what the sketchpad sends), a
    facade label map and a facade photo from the test split (uploads)."""
    from PIL import Image

    canvas = np.full((280, 280, 4), 255, "uint8")
    canvas[40:70, 60:220, :3] = 0
    for row in range(70, 250):
        column = 220 - (row - 70) // 2
        canvas[row, column - 15: column + 15, :3] = 0
    files = {"sketch": os.path.join(folder, "seven.png")}
    Image.fromarray(canvas).save(files["sketch"])
    facades = os.path.join(_common.DATA, "facades_128.npz")
    if os.path.isfile(facades):
        with np.load(facades) as archive:
            for key, name in (("inputs_test", "label_map"), ("targets_test", "photo")):
                files[name] = os.path.join(folder, f"{name}.png")
                Image.fromarray(archive[key][0]).save(files[name])
    return files


def requests_for(files):
    """`{endpoint: arguments}`: each image endpoint with the UI's default inputs."""
    from gradio_client import handle_file

    def sketch():
        return {"background": handle_file(files["sketch"]), "layers": [], "composite": handle_file(files["sketch"])}

    groups = ("0, 1, 2", "3, 4, 5", "6, 7, 8")
    table = {}
    for gan in ("gan", "gan2"):
        table[f"/{gan}_sample"] = lambda: (0, 16)
        table[f"/{gan}_interpolate"] = ((lambda: (0, 1, 8, "slerp", 0)) if gan == "gan2"
                                        else (lambda: (0, 1, 8, "slerp")))
        table[f"/{gan}_arithmetic"] = lambda: groups
    table["/gan2_digit"] = lambda: (3, 0, 8)
    table["/vae_decode"] = lambda: (0.0, 0.0)
    table["/vae_manifold"] = lambda: (12, 0, 1)
    table["/vae_reconstruct"] = lambda: (sketch(), None)
    for rbm in ("rbm", "rbm2"):
        table[f"/{rbm}_example"] = lambda: (0,)
        table[f"/{rbm}_complete"] = lambda: (sketch(), "top half", 50, 0)
        table[f"/{rbm}_retrieve"] = lambda: (sketch(), 16)
        table[f"/{rbm}_filters"] = lambda: (32,)
    if "label_map" in files:
        table["/image_to_image_translate"] = lambda: (handle_file(files["label_map"]), "generator")
        table["/image_to_image_example"] = lambda: (0, "generator")
        table["/image_to_image2_translate"] = lambda: (handle_file(files["photo"]), "generator")
        table["/image_to_image2_example"] = lambda: (0, "generator")
    return table


def picture_files(result):
    """The picture files of a reply (paths, sketchpad dicts, tuples of them)."""
    if isinstance(result, (list, tuple)):
        return [path for item in result for path in picture_files(item)]
    if isinstance(result, dict):
        return [path for key in ("composite",) if result.get(key) for path in picture_files(result[key])]
    if isinstance(result, str) and os.path.isfile(result):
        return [result]
    return []


def check_picture(path):
    """None for a good picture, else 'empty' / 'corrupt' / 'blank'."""
    from PIL import Image

    data = open(path, "rb").read()
    if not data:
        return "empty"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = np.asarray(image.convert("RGB"))
    except Exception:
        return "corrupt"
    return "blank" if pixels.std() == 0 else None


def fire(clients, endpoint, make_arguments):
    """Each client sends the request at once; returns per-request records."""
    import threading

    pool = concurrent.futures.ThreadPoolExecutor(len(clients))
    start_line = threading.Barrier(len(clients))

    def one(client):
        arguments = make_arguments()
        start_line.wait()  # every request leaves at the same moment
        start = time.perf_counter()
        try:
            result = client.predict(*arguments, api_name=endpoint)
            seconds = time.perf_counter() - start
        except Exception as error:  # counted: the figure is the error count
            return {"seconds": time.perf_counter() - start, "error": f"{type(error).__name__}: {error}"[:300]}
        paths = picture_files(result)
        problems = [problem for problem in map(check_picture, paths) if problem]
        if not paths:
            problems = ["no picture"]
        return {"seconds": seconds, "error": None, "problems": problems,
                "contents": [open(path, "rb").read() for path in paths]}

    with pool:
        return list(pool.map(one, clients))


def summarize(records):
    errors = [r["error"] for r in records if r["error"]]
    good = [r for r in records if not r["error"]]
    problems = [p for r in good for p in r["problems"]]
    variants = {tuple(r["contents"]) for r in good}
    return {"requests": len(records), "errors": len(errors), "error_messages": sorted(set(errors))[:3],
            "empty": problems.count("empty"), "corrupt": problems.count("corrupt"),
            "blank": problems.count("blank"), "no_picture": problems.count("no picture"),
            "distinct_replies": len(variants), "latency": percentiles([r["seconds"] for r in good])}


def start_server(runs, port):
    server = subprocess.Popen([sys.executable, "-m", "keras_gen.apps", *runs, "--port", str(port)],
                              cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server


def connect(url, server, seconds=900):
    from gradio_client import Client

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return Client(url, verbose=False)
        except Exception:  # not up yet
            if server.poll() is not None:
                raise RuntimeError("the demo server exited during start-up") from None
            time.sleep(1.0)
    raise RuntimeError("the demo server did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 users, 5 identical requests (smoke run)")
    parser.add_argument("--users", type=int, default=50, help="separate clients sampling at once")
    parser.add_argument("--identical", type=int, default=20, help="identical requests per image endpoint")
    args = parser.parse_args()

    import gradio
    import gradio_client

    from keras_gen import __version__
    from keras_gen.apps.defaults import default_runs
    from keras_gen.apps.launcher import DEFAULT_CONCURRENCY
    from keras_gen.apps.launcher import DEFAULT_QUEUE_SIZE
    from keras_gen.apps.runs import export_runs

    started = time.time()
    folder = tempfile.mkdtemp(prefix="keras-gen-load-")
    server = None
    try:
        if args.quick:
            args.users, args.identical = min(args.users, 10), min(args.identical, 5)
        runs, _ = default_runs(log=lambda line: None)
        export_runs(runs)
        files = input_files(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        server = start_server(runs, port)
        first = connect(url, server)
        endpoints = set(first.view_api(return_format="dict", print_info=False)["named_endpoints"])
        table = {name: make for name, make in requests_for(files).items() if name in endpoints}
        for name, make in table.items():  # warm-up: every artifact and lazy database loaded
            first.predict(*make(), api_name=name)
        sequential = []
        for _ in range(10):
            begin = time.perf_counter()
            first.predict(*table["/gan_sample"](), api_name="/gan_sample")
            sequential.append(time.perf_counter() - begin)
        time.sleep(2.0)
        memory_before = rss_mb(server.pid)

        from gradio_client import Client

        begin = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(10) as pool:  # people arriving over a few seconds
            made = list(pool.map(lambda _: _try(lambda: Client(url, verbose=False)), range(args.users)))
        client_errors = [str(c)[:200] for c in made if isinstance(c, Exception)]
        clients = [c for c in made if not isinstance(c, Exception)]
        connect_seconds = time.perf_counter() - begin

        load_before = os.getloadavg()
        begin = time.perf_counter()
        users = summarize(fire(clients, "/gan_sample", table["/gan_sample"]))
        users["wall_seconds"] = time.perf_counter() - begin
        identical = {}
        for name, make in table.items():
            identical[name] = summarize(fire(clients[: args.identical], name, make))
            counts = {k: identical[name][k] for k in ('errors', 'empty', 'corrupt', 'blank', 'distinct_replies')}
            print(f"{name:32s} {json.dumps(counts)} "
                  f"p95 {identical[name]['latency'].get('p95_ms', float('nan')):.0f} ms", flush=True)
        load_after = os.getloadavg()
        for client in clients:
            client.close()
        time.sleep(5.0)
        memory_after = rss_mb(server.pid)
    finally:
        if server is not None:
            server.terminate()
            server.wait(60)
        shutil.rmtree(folder, ignore_errors=True)

    totals = {key: users[key] + sum(entry[key] for entry in identical.values())
              for key in ("errors", "empty", "corrupt", "blank", "no_picture")}
    totals["errors"] += len(client_errors)
    not_identical = sorted(name for name, entry in identical.items() if entry["distinct_replies"] > 1)
    memory_ratio = memory_after / memory_before
    all_latencies = [entry["latency"]["p95_ms"] for entry in identical.values() if entry["latency"]]
    record = {
        "benchmark": "app_concurrency" + ("_quick" if args.quick else ""),
        "task": f"{args.users} separate gradio_client.Clients (default settings) call /gan_sample at once; "
                f"then {args.identical} identical requests at once to each of {len(table)} image endpoints",
        "models": "the shipped presets, served from their packed ONNX artifacts with ONNX Runtime",
        "server": {"command": "python -m keras_gen.apps RUN... (own process, 127.0.0.1)",
                   "concurrency_limit": DEFAULT_CONCURRENCY, "queue_size": DEFAULT_QUEUE_SIZE},
        "clients": {"created": len(clients), "creation_errors": client_errors[:3],
                    "creation_seconds": connect_seconds},
        "users_sampling_at_once": users,
        "identical_requests": identical,
        "totals": totals,
        "endpoints_with_differing_replies": not_identical,
        "p95_ms": {f"gan_sample_{args.users}_users": users["latency"].get("p95_ms"),
                   f"worst_image_endpoint_{args.identical}_identical": max(all_latencies) if all_latencies else None},
        "anchor": {"sequential_gan_sample": percentiles(sequential)},
        "ratio_p95_users_to_sequential_p50": users["latency"]["p95_ms"] / percentiles(sequential)["p50_ms"]
        if users["latency"] else None,
        "server_memory_mb": {"before": memory_before, "after": memory_after, "ratio": memory_ratio},
        "targets": {"errors": "0", "empty_or_corrupt_pictures": "0", "memory_ratio": "<= 1.10"},
        "passed": (not any(totals.values()) and not not_identical and memory_ratio <= 1.10),
        "machine": {
            **_common.machine(),
            "shared": "2 cores shared with other jobs: latencies are as measured under that load",
            "load_average_before": list(load_before), "load_average_after": list(load_after),
            "keras_gen": __version__, "gradio": gradio.__version__, "gradio_client": gradio_client.__version__,
        },
        "wall_seconds": time.time() - started,
    }
    path = _common.write_result(record["benchmark"], record)
    print(json.dumps({k: record[k] for k in ("totals", "p95_ms", "server_memory_mb", "passed")}, indent=2))
    print(f"wrote {path}")
    return 0 if record["passed"] else 1


def _try(function):
    try:
        return function()
    except Exception as error:  # a client that cannot connect is an error of the run
        return error


if __name__ == "__main__":
    sys.exit(main())
