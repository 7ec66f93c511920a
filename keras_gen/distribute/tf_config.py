"""Reading and checking `TF_CONFIG`, the cluster description of multi-worker
`tf.distribute` training, before any worker starts waiting on the others."""

import json
import os

__all__ = ["is_chief", "read_tf_config"]


def _fail(reason, text):
    raise ValueError(f"Expected `TF_CONFIG` {reason}. Received: TF_CONFIG={text!r}")


def read_tf_config(environ=None, required=False):
    """Parses and checks the `TF_CONFIG` environment variable.

    A malformed `TF_CONFIG` otherwise surfaces as a worker that waits forever
    for peers that do not exist; these checks fail at once instead.

    Args:
        environ: mapping to read `TF_CONFIG` from (default `os.environ`).
        required: raise when `TF_CONFIG` is unset instead of returning None.

    Returns:
        The parsed dict (`cluster`, `task`), or None when unset and not
        required.

    Raises:
        ValueError: on invalid JSON, an empty cluster, a job whose addresses
            are not a non-empty list of "host:port" strings, a task that is not
            in the cluster, a cluster that names no chief (neither a `chief`
            job nor a `worker` job, whose worker 0 acts as chief), or more
            than one chief.

    Example:

    >>> config = '{"cluster": {"worker": ["localhost:1", "localhost:2"]}, '
    >>> config += '"task": {"type": "worker", "index": 1}}'
    >>> read_tf_config({"TF_CONFIG": config})["task"]
    {'type': 'worker', 'index': 1}

    Reference: TensorFlow guide "Multi-worker training with Keras", TF_CONFIG.
    """
    environ = os.environ if environ is None else environ
    text = environ.get("TF_CONFIG", "")
    if not text.strip():
        if required:
            _fail("to be set for multi-worker training", text)
        return None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"to be JSON ({error})", text)
    if not isinstance(config, dict):
        _fail("to be a JSON object with `cluster` and `task`", text)
    cluster = config.get("cluster")
    if not isinstance(cluster, dict) or not cluster:
        _fail("to have a non-empty `cluster` mapping job names to addresses", text)
    for job, addresses in cluster.items():
        valid = isinstance(addresses, list) and addresses and all(
            isinstance(a, str) and ":" in a for a in addresses
        )
        if not valid:
            _fail(f"job {job!r} to list 'host:port' addresses", text)
    if "chief" not in cluster and "worker" not in cluster:
        _fail(
            "to name a chief: a `chief` job, or a `worker` job whose worker 0 "
            "acts as chief (it writes checkpoints)",
            text,
        )
    if len(cluster.get("chief", [])) > 1:
        _fail("to name exactly one chief", text)
    task = config.get("task")
    if not isinstance(task, dict) or "type" not in task:
        _fail("to have a `task` with `type` and `index`", text)
    index = task.get("index", 0)
    if task["type"] not in cluster:
        _fail(f"`task.type` {task['type']!r} to be a job of the cluster", text)
    if not isinstance(index, int) or not 0 <= index < len(cluster[task["type"]]):
        _fail(f"`task.index` to be in [0, {len(cluster[task['type']])})", text)
    return {"cluster": cluster, "task": {"type": task["type"], "index": index}}


def is_chief(config=None):
    """Whether this process is the chief (the one that writes checkpoints).

    Args:
        config: a dict from `read_tf_config`, or None to read `TF_CONFIG`.

    Returns:
        True for the `chief` task, for worker 0 when the cluster has no `chief`
        job, and for any process without `TF_CONFIG`.

    Example:

    >>> is_chief({"cluster": {"worker": ["a:1", "b:2"]},
    ...           "task": {"type": "worker", "index": 1}})
    False
    """
    if config is None:
        config = read_tf_config()
    if config is None:
        return True
    task = config["task"]
    if "chief" in config["cluster"]:
        return task["type"] == "chief"
    return task["type"] == "worker" and task["index"] == 0
