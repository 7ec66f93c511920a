"""`keras-gen demo [RUN_DIRS...]` / `python -m keras_gen.apps`: one Gradio app, one tab per family.

With no run folders, the shipped presets are served from the ONNX artifacts
packed with them (see `keras_gen.apps.defaults`): nothing trains at launch.
Every request runs exported ONNX artifacts, never the Keras model.

Safe defaults: binds 127.0.0.1 (pass `--host 0.0.0.0` to share on a
network), queues requests with a concurrency limit, limits upload size, and
turns bad input into a readable message.
"""

import argparse
import contextlib
import importlib
import logging
import os
import sys
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls from the demo
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__all__ = ["FAMILY_TABS", "build_parser", "collect_runs", "build_app", "launch", "main"]

# family → (tab title, module, message when no model is there)
FAMILY_TABS = {
    "gan": ("GAN", "keras_gen.apps.gan_tab",
            "No GAN run given. Train one: `keras-gen train dcgan --output runs/dcgan`."),
    "vae": ("VAE", "keras_gen.apps.vae_tab",
            "No VAE or autoencoder run given. Train one: `keras-gen train vae --output runs/vae`."),
    "rbm": ("RBM / DBN", "keras_gen.apps.rbm_tab",
            "No RBM or DBN run given. Train one: `keras-gen train rbm --output runs/rbm`."),
    "image_to_image": ("Pix2Pix / CycleGAN", "keras_gen.apps.image_to_image_tab",
                       "No image-to-image run given. Train one: `keras-gen train pix2pix --data "
                       "PATH/facades_128.npz --output runs/pix2pix`."),
    "video": ("Vid2Vid (video)", "keras_gen.apps.video_tab",
              "No Vid2Vid run given. Train one: `keras-gen train vid2vid --output runs/vid2vid`."),
}
# Serving settings for ~50 people at once on a 2-core host (docs/demo.md):
# - handlers run at most `DEFAULT_CONCURRENCY` at a time, one per core, in one
#   pool shared by every tab (`keras_gen.apps.display.WORKERS`); each runs its
#   artifacts on one ONNX Runtime thread (`keras_gen.apps.runs`), so requests
#   share the cores instead of fighting over them, and the server's event loop
#   (which answers queue joins, status and downloads) keeps a core's share
#   even while handlers run. More workers only add contention: a request
#   takes milliseconds of compute;
# - the queue holds `DEFAULT_QUEUE_SIZE` waiting requests (refused beyond, with
#   "queue is full" rather than an unbounded wait), and tells each waiting
#   client its place every `STATUS_EVERY_S` seconds (Gradio's default tells
#   every waiting client whenever any request starts: 50 waiting people
#   meant ~1,250 messages for one round of requests);
# - gradio_client gives each HTTP call 5 s; joining the queue never waits on
#   model work, and outputs are served as finished files, so each call
#   answers well within that even with the queue full;
# - the app's config and API description, which every client fetches on
#   connecting, are answered from memory (`StaticResponseCache`);
# - cached outputs older than `CACHE_MAX_AGE_S` are removed every
#   `CACHE_MAX_AGE_S` seconds, and at most `SESSIONS` sessions are remembered
#   (Gradio keeps ~350 KB per session for this app), so a long-running demo's
#   disk and memory stay bounded.
DEFAULT_CONCURRENCY = 2
DEFAULT_QUEUE_SIZE = 200
STATUS_EVERY_S = 1.0
CACHE_MAX_AGE_S = 3600
SESSIONS = 256
START_CHECK_S = 60.0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m keras_gen.apps", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help="run folders from `keras-gen train` (default: the shipped presets)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--concurrency", type=int, default=None,
                        help=f"requests run at once; the rest wait in the queue (default {DEFAULT_CONCURRENCY})")
    parser.add_argument("--max-file-size", default=None, help="upload limit, e.g. 20mb")
    return parser


def _local_data(bundle):
    """A run's data named relative to its folder (a preset's `examples.npz`) as an absolute path."""
    data = bundle.data
    if data and not os.path.isabs(str(data)) and os.path.isfile(os.path.join(bundle.path, str(data))):
        bundle.record.setdefault("args", {})["data"] = os.path.join(bundle.path, str(data))


def collect_runs(runs, log=print):
    """Prepares the run folders (or the shipped presets) for serving.

    Returns:
        `(bundles, notes)`: `RunBundle`s, and per-family messages for
        families that have no model.
    """
    from keras_gen.apps.defaults import default_runs
    from keras_gen.apps.runs import export_runs
    from keras_gen.apps.runs import prepare_run

    notes = {}
    if not runs:
        runs, notes = default_runs(log=log)
    export_runs(runs, log=log)
    bundles = []
    for run in runs:
        log(f"preparing {run}")
        bundle = prepare_run(run, log=log)
        _local_data(bundle)
        if bundle.family is None or not bundle.artifacts:
            log(f"  skipped: no demo for model {bundle.model_name!r} (exported parts: {sorted(bundle.artifacts)})")
            continue
        bundles.append(bundle)
    return bundles, notes


def build_app(bundles, notes=None):
    """The Gradio Blocks app: a tab per family, a sub-tab per run.

    Endpoint names are `{family}_{action}` for a family's first run (e.g.
    `gan_sample`) and `{family}{n}_{action}` for the n-th.
    """
    import gradio as gr

    notes = notes or {}
    with gr.Blocks(title="keras-gen demo", analytics_enabled=False,
                   delete_cache=(CACHE_MAX_AGE_S, CACHE_MAX_AGE_S)) as app:
        gr.Markdown("# keras-gen demo\nEvery picture here comes from an exported ONNX model "
                    "run with ONNX Runtime, the same file that would ship to a device.")
        for family, (title, module_name, missing) in FAMILY_TABS.items():
            members = [bundle for bundle in bundles if bundle.family == family]
            with gr.Tab(title, elem_id=f"tab-{family}"):
                if not members:
                    gr.Markdown(f"**No model.** {notes.get(family, missing)}", elem_id=f"{family}-missing")
                    continue
                module = importlib.import_module(module_name)
                for index, bundle in enumerate(members):
                    prefix = family if index == 0 else f"{family}{index + 1}"
                    if len(members) == 1:
                        _build_tab(gr, module, bundle, prefix)
                    else:
                        with gr.Tab(bundle.name):
                            _build_tab(gr, module, bundle, prefix)
    return app


def _build_tab(gr, module, bundle, prefix):
    # One run that cannot be shown (say, a part the tab needs was not
    # exported) must not take the other tabs down.
    try:
        module.build(bundle, prefix)
    except Exception as error:
        logging.getLogger("keras_gen.apps").exception("no demo for %s", bundle.path)
        gr.Markdown(f"**No demo for {bundle.name}**: it cannot be shown ({type(error).__name__}); "
                    "the server log has the details.")


def launch(app, host="127.0.0.1", port=7860, concurrency=None, max_file_size=None, block=True):
    """Queues and launches `app` (returns at once with `block=False`).

    Args:
        concurrency: handlers run at once (default `DEFAULT_CONCURRENCY`).
    """
    from keras_gen.apps.inputs import MAX_FILE_SIZE

    from starlette.middleware import Middleware

    from keras_gen.apps.response_cache import StaticResponseCache

    concurrency = DEFAULT_CONCURRENCY if concurrency is None else max(1, int(concurrency))
    app.queue(default_concurrency_limit=concurrency, max_size=DEFAULT_QUEUE_SIZE,
              status_update_rate=STATUS_EVERY_S)
    with _patient_start_check():
        app.launch(
            server_name=host, server_port=port, max_file_size=max_file_size or MAX_FILE_SIZE,
            show_error=False, prevent_thread_lock=not block, quiet=not block, inbrowser=False, share=False,
            state_session_capacity=SESSIONS, app_kwargs={"middleware": [Middleware(StaticResponseCache)]},
        )
    return app


@contextlib.contextmanager
def _patient_start_check(seconds=START_CHECK_S):
    """Gives Gradio's start-up check of the local URL `seconds` instead of one 3 s request.

    `launch` asks the new server for its page once and, if that one request
    times out, refuses to start ("When localhost is not accessible, a
    shareable link must be created"): on a busy 2-core host the first page
    can take longer than that. The check is retried here until it answers or
    `seconds` pass; its verdict is unchanged.
    """
    from gradio import networking

    check = networking.url_ok

    def patient(url):
        deadline = time.monotonic() + seconds
        while not check(url):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)
        return True

    networking.url_ok = patient
    try:
        yield
    finally:
        networking.url_ok = check


def _limit_malloc_arenas(arenas=2):
    """Caps glibc's malloc arenas for this server process.

    Gradio serves each request across several worker threads; by default
    glibc gives busy threads arenas of their own and rarely returns their
    freed memory, so a burst of requests left the server ~11 % larger for
    good. Two arenas keep it near its size before the burst. No-op off glibc.
    """
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, int(arenas))  # -8: M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def main(args=None):
    """Entry point of `keras-gen demo` and `python -m keras_gen.apps`.

    Args:
        args: an `argparse.Namespace` (from the `keras-gen` CLI: `runs`,
            `host`, `port`) or a list of command-line strings.
    """
    if args is None or isinstance(args, (list, tuple)):
        args = build_parser().parse_args(args)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    _limit_malloc_arenas()
    runs = list(getattr(args, "runs", None) or [])
    for run in runs:
        if not os.path.isfile(os.path.join(run, "model.keras")):
            print(f"keras-gen demo: {run!r} is not a run folder (no model.keras inside)", file=sys.stderr)
            return 2
    bundles, notes = collect_runs(runs)
    app = build_app(bundles, notes)
    host = getattr(args, "host", "127.0.0.1")
    port = getattr(args, "port", 7860)
    print(f"keras-gen demo on http://{host}:{port} (Ctrl+C to stop)")
    launch(app, host, port, getattr(args, "concurrency", None), getattr(args, "max_file_size", None))
    return 0
