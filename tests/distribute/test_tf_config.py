import json

import pytest

from keras_gen.distribute import is_chief
from keras_gen.distribute import read_tf_config


def _env(config):
    return {"TF_CONFIG": config if isinstance(config, str) else json.dumps(config)}


WORKERS = ["localhost:1", "localhost:2"]


def test_valid_configs_and_chief():
    config = read_tf_config(_env({"cluster": {"worker": WORKERS},
                                  "task": {"type": "worker", "index": 1}}))
    assert not is_chief(config)
    assert is_chief(read_tf_config(_env({"cluster": {"worker": WORKERS},
                                         "task": {"type": "worker", "index": 0}})))
    with_chief = {"cluster": {"chief": ["localhost:3"], "worker": WORKERS},
                  "task": {"type": "worker", "index": 0}}
    assert not is_chief(read_tf_config(_env(with_chief)))
    with_chief["task"] = {"type": "chief", "index": 0}
    assert is_chief(read_tf_config(_env(with_chief)))
    assert read_tf_config({}) is None


def test_without_tf_config_the_process_is_chief(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert is_chief()
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": WORKERS},
                                                "task": {"type": "worker", "index": 1}}))
    assert not is_chief()


@pytest.mark.parametrize("config,match", [
    ("{not json", "JSON"),
    ({"cluster": {}, "task": {"type": "worker", "index": 0}}, "non-empty `cluster`"),
    ({"cluster": {"ps": ["localhost:1"], "evaluator": ["localhost:2"]},
      "task": {"type": "ps", "index": 0}}, "name a chief"),
    ({"cluster": {"chief": WORKERS}, "task": {"type": "chief", "index": 0}}, "exactly one chief"),
    ({"cluster": {"worker": WORKERS}, "task": {"type": "chief", "index": 0}}, "job of the cluster"),
    ({"cluster": {"worker": WORKERS}, "task": {"type": "worker", "index": 2}}, "task.index"),
    ({"cluster": {"worker": ["localhost"]}, "task": {"type": "worker", "index": 0}}, "host:port"),
    ({"cluster": {"worker": WORKERS}}, "`task`"),
])
def test_bad_configs_raise(config, match):
    with pytest.raises(ValueError, match=match) as error:
        read_tf_config(_env(config))
    assert "Received: TF_CONFIG=" in str(error.value)


def test_required_config_missing():
    with pytest.raises(ValueError, match="to be set"):
        read_tf_config({}, required=True)
