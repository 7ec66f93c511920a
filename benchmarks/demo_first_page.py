"""Seconds from `keras-gen demo` (no arguments, an empty cache) to its first page.

Starts `python -m keras_gen demo --port P` with `KERAS_GEN_CACHE` pointing at
a new empty folder, then polls: the first HTTP 200 of `/` (the page), the
first `gradio_client.Client` that connects (the API a page calls), and one
`/gan_sample` answer from the DCGAN preset. Before issue 19 the first launch
trained seven models first (minutes). Anchor in the same run: a bare
`python -c "import gradio, onnxruntime"`, the floor of any such app.

    python benchmarks/demo_first_page.py          # every preset (the default demo)
    python benchmarks/demo_first_page.py --quick  # one preset: `keras-gen demo preset:dcgan_mnist`

Target (issue 19): first page <= 30 s after start with no cache.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import _common

TARGET_S = 30.0


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="serve one preset only")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    args = parser.parse_args()
    from gradio_client import Client

    # Anchor, same machine and moment: a bare Python importing Gradio and ONNX Runtime,
    # which any Gradio app serving ONNX pays before its first page.
    anchor_started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio, onnxruntime"], check=True)
    anchor = time.perf_counter() - anchor_started
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cache = tempfile.mkdtemp(prefix="keras-gen-demo-cache-")
    env = dict(os.environ, KERAS_GEN_CACHE=cache, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=os.pathsep.join([_common.ROOT, os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "keras_gen", "demo", "--port", str(port)]
    if args.quick:
        command.insert(4, "preset:dcgan_mnist")
    log_path = os.path.join(cache, "..", f"keras-gen-demo-{port}.log")
    started = time.perf_counter()
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=cache, env=env, stdout=log, stderr=subprocess.STDOUT)
    result = {"command": " ".join(command[1:]), "quick": args.quick, "cache": "empty folder (KERAS_GEN_CACHE)"}
    try:
        page = client = None
        while time.perf_counter() - started < args.timeout:
            if server.poll() is not None:
                raise RuntimeError(f"the demo exited with {server.returncode}; see {log_path}")
            try:
                if page is None:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200 and b"<html" in response.read(4096).lower():
                            page = time.perf_counter() - started
                if page is not None:
                    client = Client(url, verbose=False)
                    break
            except Exception:  # not up yet: refused, or a read timeout while it starts
                time.sleep(0.2)
        if client is None:
            raise RuntimeError(f"no page after {args.timeout} s; see {log_path}")
        connected = time.perf_counter() - started
        request = time.perf_counter()
        client.predict(0, 16, api_name="/gan_sample")
        answered = time.perf_counter() - request
        result.update({
            "first_page_seconds": round(page, 2), "client_connected_seconds": round(connected, 2),
            "anchor_import_gradio_onnxruntime_seconds": round(anchor, 2),
            "first_page_over_anchor": round(page / anchor, 2),
            "first_gan_sample_seconds": round(answered, 2), "target_seconds": TARGET_S,
            "passed": page <= TARGET_S,
            "cache_files_after": sum(len(files) for _, _, files in os.walk(cache)),
        })
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(result)
    print(_common.write_result("demo_first_page_quick" if args.quick else "demo_first_page", result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
