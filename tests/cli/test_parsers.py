"""`keras_gen.cli.parsers`: every option documented, with its default and choices."""

import argparse

import pytest

from keras_gen.cli import main as cli
from keras_gen.cli import parsers
from keras_gen.cli.errors import UsageError
from keras_gen.cli.families import MODELS


def _parsers(parser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, path + (name,))


def test_every_option_has_help_its_default_and_its_choices():
    seen = set()
    for model in MODELS:  # each model's own train options are added when it is named
        for path, parser in _parsers(parsers.build_parser(model)):
            for action in parser._actions:
                if not action.option_strings or action.dest in ("help", "version"):
                    continue
                where = " ".join(path + (action.option_strings[-1],))
                seen.add(where)
                assert action.help and action.help.strip(), f"{where} has no help"
                text = parser.format_help()
                if action.choices:
                    assert "{" + ",".join(str(c) for c in action.choices) + "}" in text, where
                if action.nargs != 0 and action.default not in (None, argparse.SUPPRESS):
                    assert f"(default: {action.default})" in " ".join(text.split()), where
    assert "train pix2pix --jitter-size" in seen and "evaluate --feature-model" in seen


@pytest.mark.parametrize("command, keys", [
    ("sample", ["gibbs_steps", "labels", "start"]),
    ("evaluate", ["fid_samples", "iwae_samples", "ais_runs", "limit", "reverse"]),
    ("interpolate", ["steps", "method", "label"]),
    ("translate", ["direction", "reverse"]),
])
def test_run_command_help_lists_its_options_keys(command, keys, capsys):
    assert cli.main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"--options keys of `{command}`" in out
    for key in keys:
        assert f"\n  {key} " in out, key


def test_image_to_image_help_says_how_long_the_default_takes(capsys):
    assert cli.main(["train", "pix2pix", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--epochs defaults to 200 as in the paper" in out and "(default: 200)" in out


def test_only_the_named_models_train_options_are_added():
    assert parsers.selected_model(["train", "pix2pix", "--epochs", "2"]) == "pix2pix"
    assert parsers.selected_model(["train", "--help"]) is None
    assert parsers.selected_model(["sample", "pix2pix"]) is None
    args = parsers.build_parser("pix2pix").parse_args(["train", "pix2pix", "--jitter-size", "30"])
    assert args.jitter_size == 30
    with pytest.raises(UsageError, match="unknown option '--jitter-size'"):
        parsers.build_parser(None).parse_args(["train", "pix2pix", "--jitter-size", "30"])
