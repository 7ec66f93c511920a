"""Every public entry point that takes data x every bad input that applies:
a one-line `ValueError` naming the argument, before any work (the model's
weights unchanged). See `tests/fuzz/cases.py`."""

import pytest

from tests.fuzz import cases


@pytest.mark.parametrize("name, kind", cases.cases(), ids=[f"{n}-{k}" for n, k in cases.cases()])
def test_bad_input_is_refused_by_name(name, kind, backend):
    outcome, detail = cases.classify(name, kind)
    assert outcome == cases.NAMED, f"{outcome}: {detail}"
