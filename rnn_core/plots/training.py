"""Figures of a training run: loss curves, predictions against the truth, gradients through time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnn_core.plots.theme import MODEL_COLORS, ROLE_COLORS, log_axis

MAX_POINTS = 400  # a chart never grows without bound: history is down-sampled to this
COLORS = {"train": ROLE_COLORS["train"], "val": ROLE_COLORS["val"], "truth": ROLE_COLORS["truth"], **MODEL_COLORS}


def downsample(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spread items out of n, always keeping the last."""
    if n <= max_points:
        return np.arange(n)
    idx = np.linspace(0, n - 1, max_points).round().astype(int)
    return np.unique(idx)


def _layout(fig: go.Figure, title: str, height: int, **axes) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=70, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=1, xanchor="right"),
                      uirevision="keep", **axes)
    return fig


def loss_figure(history: list, height: int = 320) -> go.Figure:
    """Train and validation loss per epoch on a log scale. ``history``: records with
    ``epoch``, ``train_loss``, ``val_loss`` attributes (Trainer.history)."""
    fig = go.Figure()
    for part, label in (("train", "training loss"), ("val", "validation loss")):
        fig.add_scatter(name=label, line=dict(color=COLORS[part]))
    _layout(fig, "Loss (mean squared error, scaled units)", height, xaxis_title="epoch")
    return set_loss_data(fig, history)


def set_loss_data(fig: go.Figure, history: list) -> go.Figure:
    """Put ``history`` into a :func:`loss_figure` in place: a tenth of the cost of a new figure,
    which matters when the live chart is redrawn twice a second."""
    idx = downsample(len(history))
    epochs = np.array([history[i].epoch for i in idx])  # arrays: plotly checks lists item by item
    with fig.batch_update():
        losses = []
        for trace, part in zip(fig.data, ("train", "val")):
            trace.x = epochs
            y = np.array([getattr(history[i], f"{part}_loss") for i in idx], dtype=float)
            trace.y, losses = y, [*losses, *y]
            trace.mode = "lines+markers" if len(idx) < 30 else "lines"
        fig.update_layout(yaxis=log_axis("loss", empty=not len(idx), values=losses),
                          xaxis=dict(range=None if len(idx) else [0, 10], dtick=1 if 0 < len(idx) <= 10 else None))
    return fig


def predictions_figure(x, truth: np.ndarray, predictions: dict, title: str, height: int = 320,
                       y_label: str = "value") -> go.Figure:
    """Truth and each model's one-step-ahead forecasts (first horizon step) over a part.

    ``truth`` (N, h) and ``predictions[name]`` (N, h) are forecast targets in series units;
    ``x`` (N,) the time of each window's first target.
    """
    fig = go.Figure()
    idx = downsample(len(truth))
    xs = np.asarray(x)[idx]
    fig.add_scatter(x=xs, y=np.asarray(truth)[idx, 0], mode="lines", name="truth",
                    line=dict(color=COLORS["truth"], width=2))
    for name in predictions:
        fig.add_scatter(x=xs, mode="lines", name=name,
                        line=dict(color=COLORS.get(name), width=1.5, dash=None if name == "rnn" else "dot"))
    set_predictions(fig, predictions)
    return _layout(fig, title, height, yaxis_title=y_label)


def set_predictions(fig: go.Figure, predictions: dict) -> go.Figure:
    """New forecasts into a :func:`predictions_figure` in place (same models, same windows)."""
    with fig.batch_update():
        for trace in fig.data[1:]:
            pred = np.asarray(predictions[trace.name])
            trace.y = pred[downsample(len(pred)), 0]
    return fig


def grad_figure(grad_history: list, height: int = 320) -> go.Figure:
    """||dL/dh_t|| against the time step t for the most recent few records (log scale).

    A line that falls steeply to the left is a vanishing gradient: early inputs barely
    change what the network learns.
    """
    fig = go.Figure()
    recent = grad_history[-4:]
    for k, (epoch, norms) in enumerate(recent):
        t = np.arange(1, len(norms) + 1)
        fig.add_scatter(x=t, y=np.maximum(norms, 1e-30), mode="lines+markers", name=f"epoch {epoch}",
                        opacity=0.35 + 0.65 * (k + 1) / len(recent))
    return _layout(fig, "Gradient through time: ||∂L/∂hₜ|| per time step", height,
                   xaxis_title="time step t (1 = oldest input)",
                   yaxis=log_axis("norm", values=[v for _, norms in recent for v in norms]))
