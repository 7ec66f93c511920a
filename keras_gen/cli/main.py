"""`keras-gen`: train, sample, evaluate, export and demo from the shell.

Argument parsing only (`keras_gen.cli.parsers`); each command
(`keras_gen.cli.commands`) imports what it needs when it runs, so
`keras-gen --help`, `keras-gen train --help` and `keras-gen --version`
answer without importing Keras or a backend. Each model family has a module
in this package (`keras_gen.cli.rbm`, `keras_gen.cli.gan`, ...) with:

- `add_train_arguments(parser, model_name)`: its own `train` options;
- `train(args, run_dir) -> dict`: trains on `args.data`, writes `model.keras`,
  the data record and pictures into `run_dir`, returns metrics;
- optionally `sample`, `evaluate`, `interpolate`, `translate`
  (`(args, run_dir, model)`), and `*_OPTIONS` dicts naming the `--options`
  keys each accepts with their defaults.

Errors reach the user as one line (`keras_gen.cli.errors`): exit status 2
for bad input (a value, a path, a file that is not what it should be), 1 for
a failure while running (disk full, a crash inside training); `--debug`
shows the traceback.
"""

import os
import sys
import warnings

from keras_gen.cli import errors
from keras_gen.cli import parsers

__all__ = ["main"]


def main(argv=None):
    """Runs `keras-gen ARGS`; returns the exit status (0, 1 runtime failure, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ start-up chatter
    debug = "--debug" in argv
    if debug:  # accepted anywhere on the line, not only before the command
        argv = ["--debug"] + [part for part in argv if part != "--debug"]
    formatter, warnings.formatwarning = warnings.formatwarning, errors.one_line_warning
    try:
        parser = parsers.build_parser(parsers.selected_model(argv))
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except SystemExit as exit_:  # --help, --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except errors.UsageError as error:
        print(f"{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        resume = " (rerun with --resume to continue)" if argv[:1] == ["train"] else ""
        print(f"keras-gen: interrupted{resume}", file=sys.stderr)
        return 130
    except Exception as error:  # one line for the user; --debug for the traceback
        if debug:
            raise
        status, line = errors.report(error)
        print(line, file=sys.stderr)
        return status
    finally:
        warnings.formatwarning = formatter


if __name__ == "__main__":
    sys.exit(main())
