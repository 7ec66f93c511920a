import pytest

from tests.cli.test_dbn import check_train_sample_evaluate


@pytest.mark.slow
def test_train_sample_evaluate(tmp_path):
    check_train_sample_evaluate("dbm", tmp_path)
