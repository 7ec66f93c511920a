"""Each shipped preset meets the figure on its card (slow: AIS, IWAE, FID, L1 re-measured)."""

import json
import os

import pytest

from keras_gen.presets import from_preset
from keras_gen.presets import list_presets
from keras_gen.presets import resolve_preset
from keras_gen.presets.quality import measure
from keras_gen.presets.quality import within_tolerance


def test_tolerances():
    assert within_tolerance("ais_log_likelihood", -90.0, -90.9)
    assert not within_tolerance("ais_log_likelihood", -90.0, -91.1)
    assert within_tolerance("fid", 20.0, 21.9) and not within_tolerance("fid", 20.0, 22.1)
    assert within_tolerance("fid", 20.0, 18.5)  # better than the card is within it too, up to 10 %


def test_every_card_has_a_figure_and_the_command_that_made_it():
    for name in list_presets():
        _, card = resolve_preset(name)
        assert card["quality"]["metric"] in ("ais_log_likelihood", "iwae_nll", "fid", "test_l1"), name
        assert isinstance(card["quality"]["value"], float), name
        assert card["training_command"].startswith(f"keras-gen train {card['model']} "), name


@pytest.mark.slow
@pytest.mark.parametrize("name", list_presets())
def test_the_card_figure_is_met(name, shared_data, monkeypatch):
    monkeypatch.setenv("KERAS_GEN_DATA", shared_data)  # the cards name $KERAS_GEN_DATA; no download
    folder, card = resolve_preset(name)
    with open(os.path.join(folder, "data.json")) as handle:
        record = json.load(handle)
    result = measure(from_preset(name), card, record)
    metric, expected = card["quality"]["metric"], card["quality"]["value"]
    assert result["metric"] == metric
    assert within_tolerance(metric, expected, result["value"]), (name, expected, result)
