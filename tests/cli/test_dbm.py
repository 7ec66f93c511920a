import pytest

from tests.cli.test_dbn import check_labelled_run
from tests.cli.test_dbn import check_train_sample_evaluate


@pytest.mark.slow
def test_train_sample_evaluate(tmp_path):
    check_train_sample_evaluate("dbm", tmp_path)


@pytest.mark.slow
def test_binary_run_reports_its_bound(tmp_path):
    import json
    import os

    import keras

    from keras_gen.cli import main as cli

    run = str(tmp_path / "dbm")
    assert cli.main(["train", "dbm", "--data", "digits", "--scale", "binary", "--hidden-units", "12,8",
                     "--pretrain-epochs", "1", "--pretrain-cd-steps", "1", "--epochs", "1",
                     "--sparsity-targets", "0.2,0.1", "--centering", "0.05", "--output", run,
                     "--verbose", "0"]) == 0
    assert cli.main(["evaluate", run, "--options", '{"ais_runs": 5, "ais_betas": 20}']) == 0
    with open(os.path.join(run, "metrics.json")) as handle:
        metrics = json.load(handle)
    assert metrics["test_bound"] < 0 and metrics["test_bound_ais_betas"] == 20
    from keras_gen.cli import runs

    model = runs.load_run_model(run)
    assert model.sparsity_targets == (0.2, 0.1) and model.centering == 0.05
    assert float(keras.ops.convert_to_numpy(model.offsets_started)) == 1.0
    for bad in ("0.2,1.5", "0.2,0.1,0.3"):  # out of range; three targets for two layers
        assert cli.main(["train", "dbm", "--data", "digits", "--sparsity-targets", bad,
                         "--output", str(tmp_path / "bad"), "--verbose", "0"]) != 0
    for bad in ("0", "1.5"):
        assert cli.main(["train", "dbm", "--data", "digits", "--centering", bad,
                         "--output", str(tmp_path / "bad"), "--verbose", "0"]) != 0
    assert cli.main(["train", "dbm", "--data", "digits", "--pretrain-cd-steps", "1,2,3",
                     "--output", str(tmp_path / "bad"), "--verbose", "0"]) != 0


@pytest.mark.slow
def test_labelled_run_samples_by_label_and_reports_its_bound(tmp_path):
    from keras_gen.cli import main as cli

    run = str(tmp_path / "dbm")
    assert cli.main(["train", "dbm", "--data", "digits", "--scale", "binary", "--hidden-units", "12,8",
                     "--labelled", "--pretrain-epochs", "1", "--pretrain-cd-steps", "1", "--epochs", "1",
                     "--output", run, "--verbose", "0"]) == 0
    # The bound is on p(x): the label units are summed out, annealed with h1.
    metrics = check_labelled_run(run, tmp_path)
    assert sorted(metrics["test_bound_log_z_by_side"]) == ["even", "odd"]
