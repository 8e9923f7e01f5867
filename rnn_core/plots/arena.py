"""Figures of the forecast arena: forecasts over the test part, error by horizon, folds, residuals.

Builders take the arrays of an :class:`rnn_core.forecasting.arena.ArenaResult` (or the plain dicts and
frames it holds) and return a ``go.Figure``; nothing here knows about Streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnn_core.plots.series import _layout, _line
from rnn_core.plots.theme import MODEL_COLORS

COLORS = {**MODEL_COLORS,
          "recursive": "#dc2626", "direct": "#2563eb", "seq2seq": "#10b981", "truth": "#111827"}
NETWORK_NAMES = ("mlp", "rnn", "leaky", "skip", "lstm", "gru")


def _legend_below(fig: go.Figure) -> go.Figure:
    """Many models make a legend of several rows: below the plot it cannot cover the title."""
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left"),
                      margin=dict(b=40))
    return fig


def _dash(name: str) -> str | None:
    """Networks solid, ARIMA dashed, the simple forecasts dotted: families read at a glance."""
    if name in NETWORK_NAMES or name in ("recursive", "direct", "seq2seq"):
        return None
    return "dash" if name in ("arima", "sarima") else "dot"


def forecast_figure(x, values, result, step: int = 1, labels: dict | None = None, context: int | None = None,
                    title: str = "", y_label: str = "value", height: int = 480) -> go.Figure:
    """Every model's ``step``-ahead forecast over the test part, with ARIMA's 95% interval shaded.

    Parameters
    ----------
    x, values : array-like (n,)
        Time and the whole series.
    result : rnn_core.forecasting.arena.ArenaResult
        Its ``origins`` (N,), ``forecasts`` name -> (N, horizon), ``lower``/``upper`` for ARIMA.
    step : int
        Which forecast step to draw, 1..horizon: the value forecast ``step`` steps before its time.
    labels : dict, optional
        name -> legend label (defaults to ``result.label``).
    context : int, optional
        How many values before the first test target to draw too (default: a quarter of the test part).

    Returns
    -------
    go.Figure
        A "truth" trace, the interval bands ("... 95% interval"), then one trace per model.
    """
    x, values = np.asarray(x), np.asarray(values, dtype=float)
    k = min(max(int(step), 1), result.horizon) - 1
    at = result.origins + k                         # index of the value each forecast is for, (N,)
    context = max(len(at) // 4, 10) if context is None else context
    lo = max(0, int(result.origins[0]) - context)
    hi = int(at[-1]) + 1
    label = labels.get if labels else result.label
    fig = go.Figure()
    _line(fig, x[lo:hi], values[lo:hi], "truth", COLORS["truth"], width=2)
    for name in result.lower:
        if name not in result.forecasts:
            continue
        band_x = np.concatenate([x[at], x[at][::-1]])
        band_y = np.concatenate([result.upper[name][:, k], result.lower[name][:, k][::-1]])
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines", line=dict(width=0),
                                 fillcolor="rgba(8,145,178,0.15)", hoverinfo="skip",
                                 name=f"{label(name)} 95% interval"))
    for name, pred in result.forecasts.items():
        _line(fig, x[at], pred[:, k], label(name), COLORS.get(name, "#64748b"), dash=_dash(name))
    fig.add_vline(x=x[int(result.origins[0])], line=dict(color="#6b7280", dash="dot", width=1))
    title = title or f"Test part: each model's {k + 1}-step-ahead forecast"
    return _legend_below(_layout(fig, title, height, yaxis_title=y_label))


def horizon_figure(errors: dict, labels: dict | None = None, title: str = "Error by forecast step",
                   y_label: str = "MAE", height: int = 380) -> go.Figure:
    """One line per model: its error at forecast step 1, 2, ..., horizon.

    ``errors``: name -> (horizon,) array, e.g. ``ArenaResult.mae_by_step`` or
    ``MultiStepResult.horizon_errors()``.
    """
    fig = go.Figure()
    for name, err in errors.items():
        err = np.asarray(err, dtype=float)
        fig.add_trace(go.Scatter(x=np.arange(1, len(err) + 1), y=err, mode="lines+markers",
                                 name=(labels or {}).get(name, name),
                                 line=dict(color=COLORS.get(name, "#64748b"), dash=_dash(name))))
    return _legend_below(_layout(fig, title, height, xaxis_title="forecast step (steps ahead)",
                                 yaxis_title=y_label, xaxis=dict(dtick=1)))


def rolling_figure(table, metric: str = "mae", height: int = 360) -> go.Figure:
    """The spread of each model's error over the rolling-origin folds: a box with every fold as a dot.

    ``table``: :func:`rnn_core.forecasting.arena.rolling_origin`'s frame (fold, start, model, label, mae, rmse, mase).
    """
    fig = go.Figure()
    for name, rows in table.groupby("model", sort=False):
        fig.add_trace(go.Box(y=rows[metric], x=rows["label"], name=rows["label"].iloc[0], boxpoints="all",
                             pointpos=0, jitter=0.3, marker=dict(color=COLORS.get(name, "#64748b")),
                             text=[f"fold {f}" for f in rows["fold"]], hovertemplate="%{text}: %{y:.4g}"))
    folds = table["fold"].nunique()
    return _layout(fig, f"{metric.upper()} on {folds} successive test blocks (one dot per fold)", height,
                   yaxis_title=metric.upper(), showlegend=False)


def residual_acf_figure(check, title: str = "Autocorrelation of ARIMA's residuals", height: int = 300) -> go.Figure:
    """Bars of the residuals' ACF at lags 1.. with the ~95% band; ``check`` is an ``arima.ResidualCheck``."""
    acf = np.asarray(check.acf)[1:]
    lags = np.arange(1, len(acf) + 1)
    colors = np.where(np.abs(acf) > check.band, "#dc2626", "#64748b")
    fig = go.Figure(go.Bar(x=lags, y=acf, marker_color=colors, name="ACF"))
    for sign in (1, -1):
        fig.add_hline(y=sign * check.band, line=dict(color="#2563eb", dash="dash", width=1))
    return _layout(fig, title, height, xaxis_title="lag", yaxis_title="autocorrelation", showlegend=False)
