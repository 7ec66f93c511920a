"""How a failure reaches the user of `keras-gen`: one line and an exit status.

A command line argparse refuses is one line naming the unknown word and the
closest valid one (exit 2). Any other exception becomes `keras-gen: error:
...` for bad input (a value, a path, a file that is not what it should be;
exit 2) or `keras-gen: failed (Type): ...` for a failure while running (disk
full, a crash inside training; exit 1). Imports nothing heavy: `--help` uses
the parser below.
"""

import argparse
import difflib
import errno
import os

__all__ = ["Parser", "TrainingDiverged", "UsageError", "one_line_warning", "report"]


class UsageError(Exception):
    """A command line argparse refused (exit status 2)."""


class TrainingDiverged(RuntimeError):
    """Training stopped on a divergence; the run folder holds the restored model."""


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    def _get_help_string(self, action):
        # Flags (store_true) have no useful default to show.
        if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, with the closest valid choice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        raise UsageError(f"{self.prog}: {_suggest(self, message)}")


def _closest(word, candidates):
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _all_options(parser):
    options = []
    for action in parser._actions:
        options.extend(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options.extend(_all_options(sub))
    return options


def _suggest(parser, message):
    if "invalid choice:" in message:
        where, rest = message.split(": invalid choice:", 1)
        word = rest.split("(", 1)[0].strip().strip("'\"")
        choices = rest.split("choose from", 1)[1] if "choose from" in rest else ""
        names = [part.strip(" '\")") for part in choices.split(",")]
        return f"{where}: unknown choice {word!r}{_closest(word, names)}"
    if message.startswith("unrecognized arguments:"):
        unknown = message.split(":", 1)[1].split()[0].split("=", 1)[0]
        return f"unknown option {unknown!r}{_closest(unknown, set(_all_options(parser)))}"
    return message


# OSError numbers that mean the path given is wrong (bad input), as opposed
# to the machine failing (disk full, I/O error: a runtime failure).
_BAD_PATH_ERRNOS = ("EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "EISDIR", "ENAMETOOLONG",
                    "EEXIST", "ENOTEMPTY", "ELOOP")


def _bad_input(error):
    if isinstance(error, OSError) and error.errno is not None:
        return errno.errorcode.get(error.errno) in _BAD_PATH_ERRNOS
    return isinstance(error, (ValueError, TypeError, KeyError, LookupError))


def _target(path):
    """The path the user knows for a temporary file of `keras_gen.utils.atomic_path`
    or a file inside the hidden partial folder of a run being trained."""
    parts = str(path).split(os.sep)
    for index, part in enumerate(parts):
        if part.startswith(".tmp-") and "-pid" in part:
            parts[index] = part[len(".tmp-"):].rsplit("-pid", 1)[0]
        elif part.startswith(".") and ".partial-" in part:
            parts[index] = part[1:].rsplit(".partial-", 1)[0]
    return os.sep.join(parts)


def _message(error):
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror
        if error.filename:
            message += f": {_target(error.filename)}"
        if error.errno == errno.ENOSPC:
            message += " (free some space and rerun; nothing was left half-written)"
        return message
    if isinstance(error, KeyError) and error.args:
        return f"missing key {error.args[0]!r}"
    return " ".join(str(error).split()) or type(error).__name__


def report(error):
    """The exit status and the one line to print for an exception a command raised.

    Args:
        error: the exception.

    Returns:
        `(status, line)`: 2 for bad input, 1 for a failure while running.

    Example:

    >>> report(ValueError("Expected `--count` to be >= 1. Received: --count=0"))
    (2, 'keras-gen: error: Expected `--count` to be >= 1. Received: --count=0')
    >>> report(OSError(errno.ENOSPC, "No space left on device", "runs/.tmp-model.keras-pid7"))[0]
    1
    """
    status = 2 if _bad_input(error) else 1
    if isinstance(error, TrainingDiverged):
        kind = "diverged"
    else:
        kind = "error" if status == 2 else f"failed ({type(error).__name__})"
    return status, f"keras-gen: {kind}: {_message(error)}"


def one_line_warning(message, category, filename, lineno, line=None):
    """A `warnings.formatwarning`: what the library warns about (e.g. a data
    split it made) reads as one line on the command line."""
    return f"keras-gen: note: {' '.join(str(message).split())}\n"
