"""The lecture's three multi-step strategies: same windows, same targets, recursive feeds itself back."""

import numpy as np
import pytest
import torch

from rnn_core import config, data
from rnn_core.data import windows
from rnn_core.errors import ConfigError, DataError
from rnn_core.forecasting import metrics, multistep

CFG = config.PRESETS["tiny"]
SERIES = data.load("sine", n=200, period=20)


class PlusOne(torch.nn.Module):
    """A stand-in next-value model: the last input plus one."""

    def forward(self, X):  # (N, L, 1) -> (N, 1)
        return X[:, -1, :] + 1.0


def test_recursive_forecast_feeds_its_own_predictions_back():
    values = np.arange(20.0)
    scaler = windows.Scaler.fit("none", values)
    out = multistep.recursive_forecast(PlusOne(), scaler, values, origins=[5, 10], lookback=3, horizon=4)
    # from origin 5 the last true value is 4; each step adds one to the previous *prediction*
    assert out.tolist() == [[5.0, 6.0, 7.0, 8.0], [10.0, 11.0, 12.0, 13.0]]


def test_recursive_forecast_works_in_scaled_units_and_returns_series_units():
    values = np.arange(20.0) * 10
    scaler = windows.Scaler.fit("minmax", values)  # scale 190: +1 scaled is +190 in series units
    out = multistep.recursive_forecast(PlusOne(), scaler, values, origins=[3], lookback=3, horizon=2)
    np.testing.assert_allclose(out, [[20 + 190, 20 + 380]], rtol=1e-5)


def test_recursive_forecast_needs_history_before_every_origin():
    scaler = windows.Scaler.fit("none", np.arange(10.0))
    with pytest.raises(DataError, match="history"):
        multistep.recursive_forecast(PlusOne(), scaler, np.arange(10.0), origins=[2], lookback=3, horizon=1)


@pytest.fixture(scope="module")
def comparison():
    return multistep.compare(CFG, SERIES, horizon=3)


def test_three_strategies_forecast_the_same_targets(comparison):
    res = comparison
    assert set(res.results) == set(multistep.STRATEGIES)
    # the targets are the true next 3 values after each origin
    for i, o in enumerate(res.origins):
        np.testing.assert_array_equal(res.targets[i], SERIES.values[o:o + 3])
    for r in res.results.values():
        assert r.forecasts.shape == res.targets.shape and r.forecasts.shape[1] == 3  # one (horizon,) row each
        assert np.all(np.isfinite(r.forecasts))
        np.testing.assert_allclose(r.mae_by_step, metrics.by_horizon(res.targets, r.forecasts)["mae"])
        assert r.epochs == CFG.train.epochs


def test_direct_and_seq2seq_rows_are_the_trainers_own_test_forecasts(comparison):
    origins, targets = comparison.origins, comparison.targets
    for strategy in ("direct", "seq2seq"):
        res, tr = multistep.train_strategy(CFG, SERIES, strategy, 3, origins)
        assert tr.cfg.window.mode == multistep.STRATEGY_MODES[strategy]
        np.testing.assert_array_equal(tr.prepared.test.origins, origins)
        np.testing.assert_array_equal(tr.targets("test"), targets)
        np.testing.assert_allclose(res.forecasts, tr.predict("test"))


def test_recursive_uses_a_next_value_network(comparison):
    res, tr = multistep.train_strategy(CFG, SERIES, "recursive", 3, comparison.origins)
    assert tr.cfg.window.mode == "next" and tr.cfg.window.horizon == 1
    # its first step is exactly the next-value forecast from the true window
    first = multistep.recursive_forecast(tr.model, tr.prepared.scaler, tr.values, comparison.origins,
                                         CFG.window.lookback, 1)
    np.testing.assert_allclose(res.forecasts[:, :1], first)


def test_metrics_frame_has_a_row_per_strategy(comparison):
    frame = comparison.metrics_frame()
    assert list(frame.index) == list(multistep.STRATEGIES)
    assert {"mae", "rmse", "mase", "seconds", "epochs"} <= set(frame.columns)


def test_bad_strategy_and_horizon_are_config_errors():
    with pytest.raises(ConfigError, match="strategy"):
        multistep.strategy_config(CFG, "telepathy", 3)
    with pytest.raises(ConfigError, match="Horizon"):
        multistep.compare(CFG, SERIES, horizon=0)
