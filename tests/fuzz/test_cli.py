"""The command line under bad arguments, paths, damaged files and a full disk:
exit 2 (bad input) or 1 (failure), one line naming the option or file, and
every file of a pre-existing run byte-identical. See `tests/fuzz/cli_cases.py`."""

import pytest

from tests.fuzz import cli_cases


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    return cli_cases.make_run(str(tmp_path_factory.mktemp("fuzz")))


@pytest.mark.parametrize("case_id", list(cli_cases.CASES))
def test_one_line_and_nothing_damaged(case_id, finished_run):
    outcome, detail = cli_cases.run_case(case_id, finished_run)
    assert outcome == cli_cases.OK, f"{outcome}: {detail}"
