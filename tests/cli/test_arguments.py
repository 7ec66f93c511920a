import argparse

import pytest

from keras_gen.cli import arguments


@pytest.mark.parametrize("parse, good, bad", [
    (arguments.positive_int, {"1": 1, "64": 64}, ["0", "-1", "2.5", "x", ""]),
    (arguments.non_negative_int, {"0": 0, "7": 7}, ["-1", "1e3"]),
    (arguments.positive_float, {"2e-4": 2e-4, "1": 1.0}, ["0", "-1", "nan", "inf", "x"]),
    (arguments.non_negative_float, {"0": 0.0, "10": 10.0}, ["-0.1", "nan", "-inf"]),
    (arguments.fraction, {"0": 0.0, "1": 1.0, "0.3": 0.3}, ["1.01", "-0.01", "nan"]),
    (arguments.open_fraction, {"0": 0.0, "0.999": 0.999}, ["1", "1.5"]),
    (arguments.positive_fraction, {"1": 1.0, "0.01": 0.01}, ["0", "1.5", "-0.1"]),
    (arguments.int_list, {"512,256": (512, 256), "8": (8,), " 3 , 4 ": (3, 4)}, ["", "0,4", "a,b", ","]),
])
def test_values_are_parsed_or_refused_with_what_was_received(parse, good, bad):
    for text, value in good.items():
        assert parse(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError, match="Received"):
            parse(text)


def test_json_object():
    assert arguments.json_object('{"steps": 4}') == {"steps": 4}
    for text in ("[1]", "{not json", "3"):
        with pytest.raises(argparse.ArgumentTypeError, match="JSON object"):
            arguments.json_object(text)


def test_check_options_fills_defaults_and_names_unknown_keys():
    assert arguments.check_options({}, {"a": 1}) == {"a": 1}
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['b'\]"):
        arguments.check_options({"b": 2}, {"a": 1})


def test_network_arguments_have_help_and_ranges():
    parser = argparse.ArgumentParser()
    arguments.add_network_arguments(parser)
    args = parser.parse_args(["--hidden-units", "32,16", "--learning-rate", "0.01"])
    assert args.hidden_units == (32, 16) and args.learning_rate == 0.01
    assert all(action.help for action in parser._actions)
