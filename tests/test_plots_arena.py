"""Arena figures draw what the result holds: the chosen forecast step at the right times, bands, folds."""

import numpy as np
import pandas as pd
import pytest

from rnn_core.forecasting import arena, arima
from rnn_core.plots import arena as plots


@pytest.fixture
def result():
    origins = np.array([20, 21, 22, 23])
    targets = np.arange(20.0, 28.0).reshape(4, 2)
    naive = np.full((4, 2), 1.0)
    ar = np.arange(8.0).reshape(4, 2) + 100
    res = arena.ArenaResult(origins, targets, a=14, b=20, horizon=2, forecasts={"naive": naive, "arima": ar},
                            metrics={}, mae_by_step={"naive": np.array([1.0, 2.0]), "arima": np.array([0.5, 0.7])})
    res.lower["arima"], res.upper["arima"] = ar - 1, ar + 1
    return res


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_forecast_figure_draws_the_chosen_step_at_the_time_it_forecasts(result):
    x = np.arange(30) * 10  # time labels differ from positions
    fig = plots.forecast_figure(x, np.arange(30.0), result, step=2, labels={"naive": "naive", "arima": "ARIMA(1, 0, 0)"})
    names = [t.name for t in fig.data]
    assert names[0] == "truth" and "ARIMA(1, 0, 0) 95% interval" in names
    arima = _trace(fig, "ARIMA(1, 0, 0)")
    assert list(arima.x) == [210, 220, 230, 240]       # step 2 from origin o is the value at o + 1
    assert list(arima.y) == [101.0, 103.0, 105.0, 107.0]
    band = _trace(fig, "ARIMA(1, 0, 0) 95% interval")
    assert max(band.y) == 108.0 and min(band.y) == 100.0 and band.fill == "toself"
    assert _trace(fig, "naive").line.dash == "dot" and arima.line.dash == "dash"
    assert fig.layout.height == 480 and fig.layout.legend.y < 0  # legend below: never over the title


def test_forecast_figure_step_is_clipped_to_the_horizon_and_labels_default_to_the_result(result):
    fig = plots.forecast_figure(np.arange(30), np.arange(30.0), result, step=9)
    assert "2-step" in fig.layout.title.text
    assert "naive (last value)" in [t.name for t in fig.data]


def test_horizon_figure_has_a_line_per_model_over_the_steps(result):
    fig = plots.horizon_figure(result.mae_by_step, {"arima": "ARIMA"})
    assert [t.name for t in fig.data] == ["naive", "ARIMA"]
    assert list(fig.data[1].x) == [1, 2] and list(fig.data[1].y) == [0.5, 0.7]


def test_rolling_figure_is_a_box_per_model_with_every_fold():
    table = pd.DataFrame({"fold": [1, 2, 1, 2], "start": [5, 9, 5, 9], "model": ["naive", "naive", "gru", "gru"],
                          "label": ["naive", "naive", "GRU", "GRU"], "mae": [1.0, 2.0, 0.5, 0.7],
                          "rmse": [1, 2, 1, 1], "mase": [1, 2, 1, 1]})
    fig = plots.rolling_figure(table)
    assert [t.type for t in fig.data] == ["box", "box"]
    assert list(fig.data[1].y) == [0.5, 0.7] and fig.data[1].boxpoints == "all"
    assert "2 successive" in fig.layout.title.text


def test_residual_acf_figure_marks_lags_outside_the_band():
    check = arima.ResidualCheck(acf=np.array([1.0, 0.5, 0.01, -0.3]), band=0.2, lags=3, lb_stat=1.0,
                                lb_pvalue=0.01, white=False, verdict="")
    fig = plots.residual_acf_figure(check)
    bars = fig.data[0]
    assert list(bars.x) == [1, 2, 3] and list(bars.y) == [0.5, 0.01, -0.3]
    assert list(bars.marker.color) == ["#dc2626", "#64748b", "#dc2626"]
    assert {s.y0 for s in fig.layout.shapes} == {0.2, -0.2}
