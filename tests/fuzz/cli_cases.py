"""The command-line fuzz table: bad arguments, paths and damaged files, each run
in-process next to a finished run whose files must stay byte-identical.

RUN is a copy of a tiny finished VAE run, made afresh for each case; the
other placeholders are files and folders made by `_workspace`.
"""

import contextlib
import errno
import io
import os
import shutil
import tempfile
import warnings
import zipfile

OK = "one-line error naming the option or file; files intact"
TRACEBACK = "a traceback, or more than one error line"
UNNAMED = "one line, not naming the option or file"
WRONG_CODE = "wrong exit status"
DAMAGED = "a pre-existing run folder changed, or a stray file was left"

_TRAIN = ["--data", "digits", "--limit", "32", "--epochs", "1", "--verbose", "0"]
_VAE = ["train", "vae", *_TRAIN, "--hidden-units", "4", "--latent-dim", "2",
        "--iwae-samples", "2"]

# id -> (argv, exit status, text the message must hold, fault to inject or None)
CASES = {
    "train-epochs-0": (["train", "vae", "--epochs", "0", "--output", "NEW"], 2, "--epochs", None),
    "train-epochs-negative": (["train", "vae", "--epochs", "-1", "--output", "NEW"], 2,
                              "--epochs", None),
    "train-batch-size-0": (["train", "ae", "--batch-size", "0", "--output", "NEW"], 2,
                           "--batch-size", None),
    "train-learning-rate-nan": (["train", "vae", "--learning-rate", "nan", "--output", "NEW"], 2,
                                "--learning-rate", None),
    "train-learning-rate-inf": (["train", "gan", "--learning-rate", "inf", "--output", "NEW"], 2,
                                "--learning-rate", None),
    "train-learning-rate-negative": (["train", "rbm", "--learning-rate", "-1", "--output", "NEW"],
                                     2, "--learning-rate", None),
    "train-latent-dim-0": (["train", "dcgan", "--latent-dim", "0", "--output", "NEW"], 2,
                           "--latent-dim", None),
    "train-unknown-loss": (["train", "dcgan", "--loss", "wgan", "--output", "NEW"], 2, "--loss",
                           None),
    "train-unknown-model": (["train", "vea", "--output", "NEW"], 2, "vae", None),
    "train-unknown-option": (["train", "vae", "--epocs", "2", "--output", "NEW"], 2, "--epochs",
                             None),
    "train-seed-negative": (["train", "vae", "--seed", "-3", "--output", "NEW"], 2, "--seed", None),
    "train-existing-run": ([*_VAE, "--output", "RUN"], 2, "--overwrite", None),
    "train-existing-run-other-model": (["train", "rbm", *_TRAIN, "--output", "RUN"], 2,
                                       "--overwrite", None),
    "train-resume-finished-run": ([*_VAE, "--output", "RUN", "--resume"], 2, "finished", None),
    "train-resume-without-output": ([*_VAE, "--resume"], 2, "--output", None),
    "train-output-is-a-file": ([*_VAE, "--output", "FILE"], 2, "--output", None),
    "train-output-under-a-file": ([*_VAE, "--output", "FILE/run"], 2, "--output", None),
    "train-overwrite-missing-data": (["train", "vae", "--data", "MISSING.npz", "--output", "RUN",
                                      "--overwrite"], 2, "MISSING.npz", None),
    "train-data-with-nan": (["train", "ae", "--data", "NAN.npz", "--epochs", "1", "--output",
                             "RUN", "--overwrite"], 2, "finite", None),
    "train-data-not-npz": (["train", "ae", "--data", "FILE", "--output", "NEW"], 2, "FILE", None),
    "train-cgan-without-labels": (["train", "cgan", "--data", "NOLABELS.npz", "--epochs", "1",
                                   "--output", "NEW"], 2, "label", None),
    "train-bad-hidden-units": (["train", "vae", "--hidden-units", "0,3", "--output", "NEW"], 2,
                               "--hidden-units", None),
    "train-disk-full": (["train", "ae", *_TRAIN, "--hidden-units", "4", "--code-dim", "2",
                         "--output", "RUN", "--overwrite"], 1, "No space left", "disk_full"),
    "sample-count-0": (["sample", "RUN", "--count", "0"], 2, "--count", None),
    "sample-count-huge": (["sample", "RUN", "--count", "10000000"], 2, "--count", None),
    "sample-seed-negative": (["sample", "RUN", "--seed", "-1"], 2, "--seed", None),
    "sample-missing-run": (["sample", "MISSING"], 2, "MISSING", None),
    "sample-empty-folder": (["sample", "EMPTY"], 2, "run.json", None),
    "sample-damaged-run-json": (["sample", "BADJSON"], 2, "run.json", None),
    "sample-crc-error": (["sample", "CRC"], 2, "model.keras", None),
    "sample-truncated-model": (["sample", "TRUNCATED"], 2, "model.keras", None),
    "sample-options-unknown-key": (["sample", "RUN", "--options", '{"nope": 1}'], 2, "--options",
                                   None),
    "sample-options-not-an-object": (["sample", "RUN", "--options", "[1]"], 2, "--options", None),
    "sample-unwritable-output": (["sample", "RUN", "--output", "/proc/fuzz-samples.png"], None,
                                 "fuzz-samples.png", None),
    "sample-disk-full": (["sample", "RUN", "--output", "OUT.png"], 1, "No space left",
                         "disk_full"),
    "interpolate-steps-not-a-number": (["interpolate", "RUN", "--options", '{"steps": "a"}'], 2,
                                       "steps", None),
    "evaluate-missing-data": (["evaluate", "RUN", "--data", "MISSING.npz"], 2, "MISSING.npz",
                              None),
    "translate-a-vae": (["translate", "RUN"], 2, "translate", None),
    "export-wrong-part": (["export", "RUN", "--part", "generator"], 2, "part", None),
    "export-crc-error": (["export", "CRC"], 2, "model.keras", None),
}


def _copy_run(source, folder):
    run = os.path.join(folder, "run")
    shutil.copytree(source, run)
    return run


def _workspace(run_source, folder):
    """The files the placeholders name, in `folder`."""
    import numpy as np

    paths = {"RUN": _copy_run(run_source, folder), "NEW": os.path.join(folder, "new"),
             "FILE": os.path.join(folder, "file.txt"), "MISSING": os.path.join(folder, "missing"),
             "EMPTY": os.path.join(folder, "empty"), "OUT": os.path.join(folder, "out")}
    with open(paths["FILE"], "w") as handle:
        handle.write("not data")
    os.makedirs(paths["EMPTY"])
    x = np.random.default_rng(0).random((16, 8, 8)).astype("float32")
    x[3, 4, 4] = np.nan
    np.savez(os.path.join(folder, "nan.npz"), x_train=x, y_train=np.zeros(16, "int64"))
    np.savez(os.path.join(folder, "nolabels.npz"), x_train=np.nan_to_num(x))
    paths["NAN"] = os.path.join(folder, "nan")
    paths["NOLABELS"] = os.path.join(folder, "nolabels")
    for name, damage in (("BADJSON", _break_json), ("CRC", _flip_a_weight_byte),
                         ("TRUNCATED", _truncate_model)):
        paths[name] = shutil.copytree(run_source, os.path.join(folder, name.lower()))
        damage(paths[name])
    return paths


def _break_json(run):
    with open(os.path.join(run, "run.json"), "w") as handle:
        handle.write("{broken")


def _flip_a_weight_byte(run):
    path = os.path.join(run, "model.keras")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("model.weights.h5")
    with open(path, "r+b") as handle:
        handle.seek(info.header_offset + 30 + len(info.filename) + info.compress_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))


def _truncate_model(run):
    path = os.path.join(run, "model.keras")
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)


def snapshot(folder):
    """Every file under `folder` with its bytes."""
    files = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, folder)] = handle.read()
    return files


@contextlib.contextmanager
def _fault(kind):
    if kind != "disk_full":
        yield
        return
    from keras_gen.utils import files

    real = files.os.replace

    def full(source, target):  # the rename that would publish a finished file
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), source)

    files.os.replace = full
    try:
        yield
    finally:
        files.os.replace = real


def run_case(case_id, run_source):
    """Runs one case in a fresh folder; returns `(outcome, detail)`."""
    from keras_gen.cli.main import main

    argv, code, must_name, fault = CASES[case_id]
    with tempfile.TemporaryDirectory() as folder:
        paths = _workspace(run_source, folder)
        resolved = [_resolve(part, paths) for part in argv]
        must_name = os.path.basename(_resolve(must_name, paths))
        before = snapshot(folder)
        stderr = io.StringIO()
        with warnings.catch_warnings(), contextlib.redirect_stderr(stderr), \
                contextlib.redirect_stdout(io.StringIO()), _fault(fault):
            warnings.simplefilter("ignore")
            status = main(resolved)
        after = snapshot(folder)
    lines = [line for line in stderr.getvalue().splitlines() if line.startswith("keras-gen")]
    text = stderr.getvalue()
    if "Traceback" in text or len(lines) != 1:
        return TRACEBACK, text.strip()[-300:]
    shown = lines[0]
    changed = sorted(set(before) ^ set(after)) + [p for p in before if p in after
                                                   and before[p] != after[p]]
    if changed:
        return DAMAGED, f"{changed[:3]} ({shown})"
    if code is not None and status != code or status == 0:
        return WRONG_CODE, f"exit {status}: {shown}"
    if must_name not in shown:
        return UNNAMED, shown
    return OK, shown


def _resolve(part, paths):
    head, _, tail = part.partition("/")
    base, dot, extension = head.partition(".")
    if base not in paths:
        return part
    return paths[base] + (dot + extension if dot else "") + ("/" + tail if tail else "")


def make_run(folder):
    """A finished tiny VAE run in `folder/run` (the RUN of every case)."""
    from keras_gen.cli.main import main

    run = os.path.join(folder, "run")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*_VAE, "--output", run]) == 0
    return run


def run_all():
    """`(case id, outcome, detail)` for every case."""
    with tempfile.TemporaryDirectory() as folder:
        run = make_run(folder)
        return [(case_id, *run_case(case_id, run)) for case_id in CASES]
