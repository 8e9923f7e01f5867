"""Figures of a sequence and of the windows cut from it: past/future, trends, seasonality, windows.

Every builder takes plain arrays (or the frames ``rnn_core.data.stats`` returns) and returns a
``go.Figure``; nothing here knows about Streamlit. Long series are thinned to at most
``MAX_POINTS`` drawn points per trace so a browser stays quick with 200,000-point uploads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.forecasting.evaluation import LABELS
from rnn_core.plots.theme import MODEL_COLORS

MAX_POINTS = 4000
COLORS = {
    "past": "#2563eb", "future": "#111827", "today": "#6b7280",
    **{k: MODEL_COLORS[k] for k in ("naive", "seasonal_naive", "drift", "mean")},
    "train": "#2563eb", "val": "#f97316", "test": "#10b981",
    "input": "#2563eb", "target": "#f97316", "context": "#cbd5e1",
    "rolling_mean": "#dc2626", "rolling_std": "#7c3aed",
}
FORECAST_LABELS = {k: LABELS[k] for k in ("naive", "seasonal_naive", "drift", "mean")}
PART_LABELS = {"train": "training", "val": "validation", "test": "test"}


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced items out of ``n``, first and last kept.

    Examples
    --------
    >>> thin(5).tolist()
    [0, 1, 2, 3, 4]
    >>> len(thin(100_000)) <= MAX_POINTS
    True
    """
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def _line(fig, x, y, name, color, width=1.5, dash=None, row=None, col=None, **kw) -> None:
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    keep = thin(len(y))
    trace = go.Scatter(x=x[keep], y=y[keep], mode="lines", name=name,
                       line=dict(color=color, width=width, dash=dash), **kw)
    fig.add_trace(trace, row=row, col=col)


def _layout(fig: go.Figure, title: str, height: int, top: int = 50, **kw) -> go.Figure:
    """Shared look; ``top`` > 50 leaves room for subplot titles between the title and the panels."""
    legend_y = 1.02 + (top - 50) / height
    fig.update_layout(title=dict(text=title, y=1 - 12 / height, yanchor="top"), height=height,
                      margin=dict(l=10, r=10, t=top, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=legend_y, x=1, xanchor="right"), **kw)
    return fig


def past_future_figure(x, values, today: int, forecasts: dict | None = None, title: str = "",
                       y_label: str = "value", height: int = 380) -> go.Figure:
    """The course figure: the past in one colour, a "today" line, the future after it, forecasts.

    Parameters
    ----------
    x, values : array-like (n,)
        Time (dates or steps) and the series.
    today : int
        How many values are in the past: ``values[:today]`` is known, ``values[today:]`` is the future.
    forecasts : dict, optional
        name -> forecast over the future part, shape (n - today,); names such as ``"naive"``
        pick their colour from :data:`COLORS`.

    Returns
    -------
    go.Figure
        Traces named "past", "future", "today", then one per forecast.

    Examples
    --------
    >>> fig = past_future_figure(range(10), range(10), 7, {"naive": [6, 6, 6]})
    >>> [t.name for t in fig.data]
    ['past', 'future', 'today', 'naive (last value)']
    """
    x, values = np.asarray(x), np.asarray(values, dtype=float)
    fig = go.Figure()
    _line(fig, x[:today], values[:today], "past", COLORS["past"], width=2)
    _line(fig, x[today:], values[today:], "future", COLORS["future"], width=1.5)
    # "today" is the last value we know: a vertical trace (not a shape) so tests and legends see it
    now = x[today - 1]
    lo, hi = float(values.min()), float(values.max())
    fig.add_scatter(x=[now, now], y=[lo, hi], mode="lines", name="today",
                    line=dict(color=COLORS["today"], width=2, dash="dash"))
    for name, forecast in (forecasts or {}).items():
        _line(fig, x[today:], forecast, FORECAST_LABELS.get(name, name), COLORS.get(name), width=2, dash="dot")
    return _layout(fig, title, height, yaxis_title=y_label)


def rolling_stats(values, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Trailing rolling mean and standard deviation over ``window`` steps (NaN until it fills).

    Examples
    --------
    >>> mean, std = rolling_stats([1.0, 2.0, 3.0, 4.0], 2)
    >>> mean.tolist()[1:]
    [1.5, 2.5, 3.5]
    """
    rolled = pd.Series(np.asarray(values, dtype=float)).rolling(int(window), min_periods=int(window))
    return rolled.mean().to_numpy(), rolled.std().to_numpy()


def rolling_figure(x, values, window: int, title: str = "", y_label: str = "value",
                   height: int = 420) -> go.Figure:
    """The series with its rolling mean (top) and rolling spread, the rolling std (bottom).

    A mean that drifts is a trend; a spread that changes means the variance is not constant:
    either way the series is not stationary.
    """
    mean, std = rolling_stats(values, window)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.06)
    _line(fig, x, values, "series", "#94a3b8", width=1, row=1, col=1)
    _line(fig, x, mean, f"rolling mean ({window} steps)", COLORS["rolling_mean"], width=2, row=1, col=1)
    _line(fig, x, std, f"rolling std ({window} steps)", COLORS["rolling_std"], width=2, row=2, col=1)
    fig.update_yaxes(title_text=y_label, row=1, col=1)
    fig.update_yaxes(title_text="spread", row=2, col=1)
    return _layout(fig, title, height)


def stl_figure(x, parts: pd.DataFrame, title: str = "", height: int = 560) -> go.Figure:
    """STL decomposition: one panel each for observed, trend, seasonal and residual.

    ``parts`` has the columns observed, trend, seasonal, resid (what ``stats.stl_decompose`` returns).
    """
    names = ["observed", "trend", "seasonal", "resid"]
    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=["observed", "trend", "seasonal", "residual"])
    colors = [COLORS["future"], COLORS["rolling_mean"], COLORS["seasonal_naive"], COLORS["today"]]
    for row, (name, color) in enumerate(zip(names, colors), start=1):
        _line(fig, x, parts[name].to_numpy(), name, color, width=1.2, row=row, col=1)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height, top=80)


def acf_figure(acf, pacf, band, title: str = "", height: int = 340) -> go.Figure:
    """ACF and PACF side by side as bars from lag 0, with the ±band of "no correlation".

    ``band`` is a number or an array per lag; bars beyond it are significant at about 5 %.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=["autocorrelation (ACF)", "partial autocorrelation (PACF)"])
    for col, (name, vals) in enumerate((("ACF", acf), ("PACF", pacf)), start=1):
        vals = np.asarray(vals, dtype=float)
        lags = np.arange(len(vals))
        fig.add_bar(x=lags, y=vals, name=name, marker_color=COLORS["past"], row=1, col=col)
        limit = np.broadcast_to(np.asarray(band, dtype=float), vals.shape)
        for sign in (1, -1):
            fig.add_scatter(x=lags, y=sign * limit, mode="lines", name=f"{name} band", showlegend=False,
                            line=dict(color=COLORS["today"], dash="dash", width=1), row=1, col=col)
        fig.update_xaxes(title_text="lag (steps)", row=1, col=col)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height, top=80)


def split_figure(x, values, a: int, b: int, title: str = "", y_label: str = "value",
                 height: int = 320) -> go.Figure:
    """The series coloured by part: training ``[:a]``, validation ``[a:b]``, test ``[b:]``."""
    x, values = np.asarray(x), np.asarray(values, dtype=float)
    fig = go.Figure()
    for part, sl in (("train", slice(0, a)), ("val", slice(a, b)), ("test", slice(b, None))):
        _line(fig, x[sl], values[sl], PART_LABELS[part], COLORS[part], width=1.5)
    return _layout(fig, title, height, yaxis_title=y_label)


def supervised_indices(start: int, lookback: int, horizon: int, mode: str) -> np.ndarray:
    """Which series index each output of window ``start`` is trained to predict.

    Returns
    -------
    np.ndarray (lookback, horizon)
        Row t is the time step that reads ``values[start + t]``; -1 where no output is trained
        (next and multi supervise only the last step; seq2seq supervises every step).

    Examples
    --------
    >>> supervised_indices(0, 3, 2, "seq2seq").tolist()
    [[1, 2], [2, 3], [3, 4]]
    >>> supervised_indices(0, 3, 1, "next").tolist()
    [[-1], [-1], [3]]
    """
    steps = start + np.arange(lookback)[:, None] + 1 + np.arange(horizon)[None, :]
    if mode == "seq2seq":
        return steps
    out = np.full((lookback, horizon), -1)
    out[-1] = steps[-1]
    return out


def window_figure(values, start: int, lookback: int, horizon: int, mode: str, title: str = "",
                  y_label: str = "value", height: int = 400) -> go.Figure:
    """One window on the series (x = step): its inputs and its targets in different colours.

    The view is zoomed to the window with some context either side.
    """
    values = np.asarray(values, dtype=float)
    steps = np.arange(len(values))
    inputs = np.arange(start, start + lookback)
    targets = np.unique(supervised_indices(start, lookback, horizon, mode))
    targets = targets[targets >= 0]
    fig = go.Figure()
    _line(fig, steps, values, "series", COLORS["context"], width=1)
    fig.add_scatter(x=inputs, y=values[inputs], mode="markers+lines", name="inputs",
                    marker=dict(color=COLORS["input"], size=8), line=dict(color=COLORS["input"], width=2))
    # open diamonds: in seq2seq most targets are also inputs, and the input dot must stay visible
    fig.add_scatter(x=targets, y=values[targets], mode="markers", name="targets",
                    marker=dict(color=COLORS["target"], size=14, symbol="diamond-open", line=dict(width=2.5)))
    last = int(targets.max(initial=start + lookback - 1))
    pad = max(3, (last - start + 1) // 2)
    lo, hi = max(0, start - pad), min(len(values) - 1, last + pad)
    seen = values[lo: hi + 1]  # the y-axis fits what is in view, not the whole series
    margin = 0.08 * (np.ptp(seen) or 1.0)
    fig.update_xaxes(range=[lo - 0.5, hi + 0.5], title_text="step")
    fig.update_yaxes(range=[seen.min() - margin, seen.max() + margin])
    return _layout(fig, title, height, yaxis_title=y_label)


def supervision_figure(start: int, lookback: int, horizon: int, mode: str, title: str = "",
                       max_rows: int = 12) -> go.Figure:
    """A time step × horizon grid: each cell shows the series index that output learns to predict.

    Empty cells are outputs no loss looks at (every step but the last for next and multi).
    Only the last ``max_rows`` time steps are drawn; the height grows with the rows shown.
    """
    grid = supervised_indices(start, lookback, horizon, mode)
    first = max(0, lookback - max_rows)
    grid = grid[first:]
    text = [["" if v < 0 else str(v) for v in row] for row in grid]
    z = np.where(grid < 0, np.nan, grid.astype(float))
    rows = [f"t={t} reads [{start + t}]" for t in range(first, lookback)]
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"+{k + 1}" for k in range(horizon)], y=rows, text=text, texttemplate="%{text}",
        colorscale=[[0, "#fed7aa"], [1, COLORS["target"]]], showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}, output %{x}: trained to predict index %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title_text="time step (input it reads)")
    fig.update_xaxes(title_text="output (steps ahead)", type="category")
    if first:
        title = f"{title}<br><sup>the last {len(rows)} of {lookback} time steps</sup>"
    return _layout(fig, title, 120 + 24 * len(rows), top=70 if first else 50)


def histogram_figure(raw, scaled, a: int, b: int, title: str = "", bins: int = 40,
                     height: int = 320) -> go.Figure:
    """Histograms before (left) and after (right) scaling, one colour per part.

    ``raw`` and ``scaled`` are the whole series (n,); parts as in :func:`split_figure`. Counts are
    binned here (shared edges per panel) so a long series sends bars, not every value.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=["before scaling", "after scaling"])
    for col, vals in enumerate((raw, scaled), start=1):
        vals = np.asarray(vals, dtype=float)
        edges = np.histogram_bin_edges(vals, bins=bins)
        centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
        for part, sl in (("train", slice(0, a)), ("val", slice(a, b)), ("test", slice(b, None))):
            counts, _ = np.histogram(vals[sl], bins=edges)
            fig.add_bar(x=centres, y=counts, width=widths, name=PART_LABELS[part], marker_color=COLORS[part],
                        opacity=0.55, showlegend=col == 1, legendgroup=part, row=1, col=col)
        fig.update_xaxes(title_text="value" if col == 1 else "scaled value", row=1, col=col)
    fig.update_layout(barmode="overlay", bargap=0)
    return _layout(fig, title, height, top=80)
