"""Figure builders of rnn_core.plots.series: the right traces, segments, colours and cells."""

import numpy as np
import pandas as pd
import pytest

from rnn_core.data import windows
from rnn_core.plots import series as plots


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace named {name!r} in {[t.name for t in fig.data]}"
    return found[0]


def test_thin_keeps_short_series_and_caps_long_ones():
    assert plots.thin(7).tolist() == list(range(7))
    idx = plots.thin(200_000)
    assert len(idx) <= plots.MAX_POINTS and idx[0] == 0 and idx[-1] == 199_999


def test_past_future_figure_splits_at_today_with_a_today_line_and_forecasts():
    x = pd.date_range("2024-01-01", periods=20, freq="D")
    values = np.arange(20.0)
    fig = plots.past_future_figure(x, values, 15, {"naive": np.full(5, 14.0), "seasonal_naive": np.arange(5.0)})
    assert [t.name for t in fig.data] == ["past", "future", "today", "naive (last value)", "seasonal naive"]
    past, future, today = _trace(fig, "past"), _trace(fig, "future"), _trace(fig, "today")
    assert list(past.y) == list(range(15)) and list(future.y) == list(range(15, 20))
    assert past.line.color == plots.COLORS["past"] and future.line.color == plots.COLORS["future"]
    assert past.line.color != future.line.color
    # "today" is vertical at the last known value and spans the data
    assert today.x[0] == today.x[1] == x[14]
    assert (today.y[0], today.y[1]) == (0.0, 19.0) and today.line.dash == "dash"
    naive = _trace(fig, "naive (last value)")
    assert list(naive.x) == list(x[15:]) and list(naive.y) == [14.0] * 5
    assert naive.line.color == plots.COLORS["naive"] and naive.line.dash == "dot"
    assert _trace(fig, "seasonal naive").line.color == plots.COLORS["seasonal_naive"]


def test_long_series_are_thinned_but_keep_their_ends():
    n = 50_000
    fig = plots.past_future_figure(np.arange(n), np.arange(n, dtype=float), 40_000)
    past, future = _trace(fig, "past"), _trace(fig, "future")
    assert len(past.y) <= plots.MAX_POINTS and len(future.y) <= plots.MAX_POINTS
    assert past.x[0] == 0 and past.x[-1] == 39_999 and future.x[0] == 40_000 and future.x[-1] == n - 1


def test_rolling_stats_match_pandas_and_figure_has_mean_and_spread():
    v = np.random.default_rng(0).normal(size=50).cumsum()
    mean, std = plots.rolling_stats(v, 5)
    assert np.isnan(mean[:4]).all()
    np.testing.assert_allclose(mean[4:], pd.Series(v).rolling(5).mean().to_numpy()[4:])
    np.testing.assert_allclose(std[10], np.std(v[6:11], ddof=1))
    fig = plots.rolling_figure(np.arange(50), v, 5)
    names = [t.name for t in fig.data]
    assert names == ["series", "rolling mean (5 steps)", "rolling std (5 steps)"]
    assert fig.data[2].yaxis == "y2", "the spread has its own panel"


def test_stl_figure_has_four_panels():
    parts = pd.DataFrame({k: np.arange(10.0) * i for i, k in enumerate(["observed", "trend", "seasonal", "resid"])})
    fig = plots.stl_figure(np.arange(10), parts)
    assert [t.name for t in fig.data] == ["observed", "trend", "seasonal", "resid"]
    assert [t.yaxis for t in fig.data] == ["y", "y2", "y3", "y4"]
    assert list(fig.data[2].y) == list(parts["seasonal"])


def test_acf_figure_bars_and_band():
    acf, pacf = np.array([1.0, 0.5, 0.2]), np.array([1.0, 0.5, -0.1])
    fig = plots.acf_figure(acf, pacf, 0.3)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["ACF", "PACF"]
    assert list(bars[1].y) == [1.0, 0.5, -0.1]
    bands = [t for t in fig.data if t.type == "scatter"]
    assert len(bands) == 4 and sorted({float(t.y[0]) for t in bands}) == [-0.3, 0.3]


def test_split_figure_colours_the_three_parts():
    fig = plots.split_figure(np.arange(10), np.arange(10.0), 7, 8)
    assert [t.name for t in fig.data] == ["training", "validation", "test"]
    assert [len(t.y) for t in fig.data] == [7, 1, 2]
    assert [t.line.color for t in fig.data] == [plots.COLORS[p] for p in ("train", "val", "test")]


@pytest.mark.parametrize("mode,horizon", [("next", 1), ("multi", 2), ("multi", 4), ("seq2seq", 1), ("seq2seq", 3)])
def test_supervised_indices_agree_with_make_windows(mode, horizon):
    values = np.arange(30.0)  # value == index, so the targets are the indices
    X, Y = windows.make_windows(values, 4, horizon, mode)
    for start in (0, 5):
        grid = plots.supervised_indices(start, 4, horizon, mode)
        if mode == "seq2seq":
            np.testing.assert_array_equal(grid, Y[start])
        else:
            np.testing.assert_array_equal(grid[-1], Y[start])
            assert (grid[:-1] == -1).all(), "only the last step is supervised"


def test_window_figure_marks_inputs_and_targets_in_their_colours():
    values = np.arange(40.0) ** 1.5
    fig = plots.window_figure(values, 10, 5, 3, "multi")
    inputs, targets = _trace(fig, "inputs"), _trace(fig, "targets")
    assert list(inputs.x) == [10, 11, 12, 13, 14] and list(targets.x) == [15, 16, 17]
    assert list(targets.y) == list(values[15:18])
    assert inputs.marker.color == plots.COLORS["input"] and targets.marker.color == plots.COLORS["target"]
    lo, hi = fig.layout.xaxis.range
    assert lo < 10 and hi > 17, "the view holds the whole window"
    y_lo, y_hi = fig.layout.yaxis.range
    assert y_lo <= values[10] and y_hi >= values[17] and y_hi < values[-1], "y fits the view, not the series"
    seq = plots.window_figure(values, 10, 5, 2, "seq2seq")
    assert list(_trace(seq, "targets").x) == list(range(11, 17))


def test_supervision_figure_cells():
    fig = plots.supervision_figure(0, 3, 2, "seq2seq")
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert [list(r) for r in heat.text] == [["1", "2"], ["2", "3"], ["3", "4"]]
    nxt = plots.supervision_figure(4, 3, 1, "next").data[0]
    assert [list(r) for r in nxt.text] == [[""], [""], ["7"]]
    assert np.isnan(np.asarray(nxt.z, dtype=float)[:2]).all()
    long = plots.supervision_figure(0, 100, 2, "seq2seq", "grid", max_rows=16)
    assert len(long.data[0].y) == 16 and list(long.data[0].text[-1]) == ["100", "101"]
    assert "last 16 of 100" in long.layout.title.text


def test_histogram_figure_counts_every_value_once_per_panel():
    raw = np.arange(100.0)
    fig = plots.histogram_figure(raw, (raw - 50) / 10, 70, 85)
    assert len(fig.data) == 6
    for panel in (fig.data[:3], fig.data[3:]):
        assert [t.name for t in panel] == ["training", "validation", "test"]
        assert [int(sum(t.y)) for t in panel] == [70, 15, 15]
    assert [t.marker.color for t in fig.data[:3]] == [plots.COLORS[p] for p in ("train", "val", "test")]
