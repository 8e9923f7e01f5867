"""One session cannot stall the shared server: a set-up too large is refused, with a message, before work starts."""

import pytest

from rnn_core import config, data
from rnn_core.errors import ConfigError
from rnn_core.training import cost
from rnn_core.training.trainer import Trainer
from tests.apptest_helpers import run_page

# the link: one epoch of about half an hour and 3.9 GB on a 2-core server
HUGE = {"dataset": "sine", "sine_n": 20000, "lookback": 200, "cell": "lstm", "hidden_size": 256, "num_layers": 4,
        "batch_size": 8}


def _huge_config():
    return config.PRESETS["default"].replace(
        data=config.DataConfig("sine", (("n", 20000),)), window={"lookback": 200},
        model={"cell": "lstm", "hidden_size": 256, "num_layers": 4}, train={"batch_size": 8})


@pytest.mark.parametrize("name", [n for n in config.PRESETS])
def test_every_preset_fits_comfortably(name):
    cfg = config.PRESETS[name]
    tr = Trainer(cfg, data.load(cfg.data.name, **cfg.data.kwargs()))
    assert tr.cost.batch_seconds < cost.MAX_BATCH_SECONDS / 4 and tr.cost.megabytes < cost.MAX_MEGABYTES / 4


def test_a_set_up_too_large_is_refused_before_training_with_what_to_lower():
    with pytest.raises(ConfigError, match="too large for a server the whole class shares") as err:
        Trainer(_huge_config(), data.load("sine", n=20000))
    assert "MB of memory" in str(err.value) and "Lower hidden_size" in str(err.value)


def test_the_estimate_grows_with_every_size():
    base = config.PRESETS["default"]
    c = cost.estimate(base, 1000, 200)
    for change in ({"model": {"hidden_size": 64}}, {"model": {"num_layers": 2}}, {"window": {"lookback": 48}}):
        bigger = cost.estimate(base.replace(**change), 1000, 200)
        assert bigger.epoch_seconds > c.epoch_seconds and bigger.megabytes >= c.megabytes, change
    assert cost.estimate(base, 4000, 200).epoch_seconds > c.epoch_seconds


def test_the_train_page_says_so_and_carries_on():
    at = run_page("4_Train.py", **HUGE)
    assert not at.exception
    assert any("too large for a server the whole class shares" in e.value.replace("\\", "") for e in at.error)
