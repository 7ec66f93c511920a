"""Typed command-line values: each parser checks its range before any work starts.

A bad value makes argparse exit 2 with one line naming the option and what
it received, e.g. `argument --epochs: expected an integer >= 1. Received: '0'`.
"""

import argparse
import math

__all__ = [
    "MAX_COUNT",
    "count",
    "positive_int",
    "non_negative_int",
    "positive_float",
    "non_negative_float",
    "fraction",
    "open_fraction",
    "int_list",
    "json_object",
    "check_options",
    "add_network_arguments",
]


def _error(expected, text):
    return argparse.ArgumentTypeError(f"expected {expected}. Received: {text!r}")


def _int(text, minimum, expected):
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise _error(expected, text) from None
    if value < minimum:
        raise _error(expected, text)
    return value


def positive_int(text):
    """An integer >= 1 (epochs, batch sizes, units, counts).

    Example:

    >>> positive_int("3")
    3
    """
    return _int(text, 1, "an integer >= 1")


# The most images one `sample`/`translate`/`interpolate` call draws: a grid of
# 10,000 MNIST digits is a 2800 x 2800 picture already, and generation runs in
# batches, so memory stays flat up to here.
MAX_COUNT = 10_000


def count(text):
    """An integer in [1, MAX_COUNT] (images to draw).

    Example:

    >>> count("64")
    64
    """
    value = _int(text, 1, f"an integer in [1, {MAX_COUNT}]")
    if value > MAX_COUNT:
        raise _error(f"an integer in [1, {MAX_COUNT}]", text)
    return value


def non_negative_int(text):
    """An integer >= 0 (seeds, optional step counts).

    Example:

    >>> non_negative_int("0")
    0
    """
    return _int(text, 0, "an integer >= 0")


def _float(text, expected, accept):
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise _error(expected, text) from None
    if not math.isfinite(value) or not accept(value):
        raise _error(expected, text)
    return value


def positive_float(text):
    """A finite number > 0 (learning rates, scales).

    Example:

    >>> positive_float("2e-4")
    0.0002
    """
    return _float(text, "a finite number > 0", lambda value: value > 0)


def non_negative_float(text):
    """A finite number >= 0 (loss weights, noise levels).

    Example:

    >>> non_negative_float("0")
    0.0
    """
    return _float(text, "a finite number >= 0", lambda value: value >= 0)


def fraction(text):
    """A number in [0, 1] (probabilities, corruption levels).

    Example:

    >>> fraction("0.5")
    0.5
    """
    return _float(text, "a number in [0, 1]", lambda value: 0 <= value <= 1)


def open_fraction(text):
    """A number in [0, 1) (momenta, moving-average decays; 0 turns them off).

    Example:

    >>> open_fraction("0.999")
    0.999
    """
    return _float(text, "a number in [0, 1)", lambda value: 0 <= value < 1)


def positive_fraction(text):
    """A number in (0, 1] (sliding rates).

    Example:

    >>> positive_fraction("0.01")
    0.01
    """
    return _float(text, "a number in (0, 1]", lambda value: 0 < value <= 1)


def int_list(text):
    """Comma-separated integers >= 1, e.g. `500,500,2000`.

    Example:

    >>> int_list("512,256")
    (512, 256)
    """
    expected = "comma-separated integers >= 1, e.g. 512,256"
    return tuple(_int(part, 1, expected) for part in _comma_parts(text, expected))


def open_fraction_list(text):
    """Comma-separated numbers in (0, 1), e.g. `0.2,0.1` (target activities).

    Example:

    >>> open_fraction_list("0.2,0.1")
    (0.2, 0.1)
    """
    expected = "comma-separated numbers in (0, 1), e.g. 0.2,0.1"
    return tuple(_float(part, expected, lambda value: 0 < value < 1) for part in _comma_parts(text, expected))


def _comma_parts(text, expected):
    parts = [part.strip() for part in str(text).split(",") if part.strip()]
    if not parts:
        raise _error(expected, text)
    return parts


def json_object(text):
    """A JSON object (the `--options` of sample/evaluate/interpolate/translate).

    Example:

    >>> json_object('{"steps": 4}')
    {'steps': 4}
    """
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise _error(f"a JSON object ({error.msg})", text) from None
    if not isinstance(value, dict):
        raise _error("a JSON object, e.g. '{\"steps\": 4}'", text)
    return value


def check_options(options, defaults):
    """`--options` with every key known: `defaults` updated with `options`.

    Args:
        options: the parsed `--options` dict.
        defaults: the keys the command accepts, with their default values.

    Returns:
        A new dict.

    Example:

    >>> check_options({"steps": 4}, {"steps": 10, "method": "slerp"})
    {'steps': 4, 'method': 'slerp'}
    """
    import difflib

    unknown = sorted(set(options) - set(defaults))
    if unknown:
        hints = [difflib.get_close_matches(key, list(defaults), n=1, cutoff=0.5) for key in unknown]
        hint = "".join(f" (did you mean {match[0]!r} for {key!r}?)"
                       for key, match in zip(unknown, hints) if match)
        raise ValueError(
            f"Expected `--options` keys among {sorted(defaults)}. Received: unknown key(s) "
            f"{unknown}{hint}"
        )
    return {**defaults, **options}


def add_network_arguments(parser):
    """Options shared by the autoencoders and the VAE: data size, optimizer, network shape."""
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="train on at most this many samples")
    parser.add_argument("--learning-rate", type=positive_float, default=1e-3, help="Adam learning rate")
    parser.add_argument("--architecture", choices=("dense", "conv"), default="dense",
                        help="dense layers on flattened images, or stride-2 convolutions")
    parser.add_argument("--hidden-units", type=int_list, default=(256,),
                        help="dense hidden sizes, comma separated (e.g. 512,256)")
    parser.add_argument("--filters", type=int_list, default=(32, 64),
                        help="conv channels per stride-2 layer, comma separated")
