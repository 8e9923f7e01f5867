"""config.for_dataset: the settings the Train page opens with, per series, and that they beat naive."""

import pytest

from rnn_core import config, data, experiment


@pytest.mark.parametrize("name", [*data.DATASETS, "upload"])
def test_every_series_opens_with_valid_settings_of_its_own(name):
    cfg = config.for_dataset(name)
    assert config.validate(cfg) is cfg
    assert cfg.data == config.DataConfig(name)
    if name in data.DATASETS:
        assert cfg.data.name in config.OPENING_REASONS or cfg.window.transform == "none"


def test_the_trending_series_predict_something_the_training_range_holds():
    from rnn_core.data import transforms

    for name in ("noisy_trend", "co2"):
        cfg = config.for_dataset(name)
        assert cfg.window.transform != "none"
        s = data.load(name)
        check = transforms.range_check(s.values, cfg.window)
        assert check["outside"] / check["total"] < 0.05, name
        plain = transforms.range_check(s.values, cfg.window.__class__(lookback=cfg.window.lookback))
        assert plain["outside"] / plain["total"] > 0.9, "as they are, the test part climbs out of the training range"


def test_collatz_opens_with_the_shortest_useful_lookback():
    cfg = config.for_dataset("collatz")
    assert cfg.window.lookback <= 4
    assert "too few" in config.OPENING_REASONS["collatz"]


# The whole table (every bundled series, ARIMA included) is checked by the claims (`make claims`);
# these three train in a few seconds each.
@pytest.mark.slow
@pytest.mark.parametrize("name", ["sunspots", "nile", "noisy_trend"])
def test_the_opening_settings_beat_naive_on_the_test_part(name):
    series = data.load(name)
    for seed in (0, 1, 2):
        res = experiment.run(config.for_dataset(name).replace(train={"seed": seed}), series, arima=False)
        assert res.metrics["rnn"]["mae"] < res.metrics["naive"]["mae"], (name, seed, res.metrics)
