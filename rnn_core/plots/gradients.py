"""Figures of gradients through time: the epoch x time-step heatmap, clipping, cells side by
side, input connectivity and the memory task's error against the lag.

The gradient profile of one model (||dL/dh_t|| against t) is ``training.grad_figure``.
Builders take plain values (Trainer histories, arrays, a DataFrame) and return ``go.Figure``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.config import CELL_LABELS
from rnn_core.plots.theme import MODEL_COLORS
from rnn_core.plots.training import _layout, downsample

CELL_COLORS = MODEL_COLORS
BEFORE, AFTER, LIMIT = "#f97316", "#2563eb", "#111827"
MIN_NORM = 1e-30  # log axes cannot show 0


def _cell_label(cell: str) -> str:
    return CELL_LABELS.get(cell, cell)


def grad_heatmap(epochs, matrix, height: int = 340) -> go.Figure:
    """log10 ||dL/dh_t||: one row per recorded epoch (newest on top), one column per time step.

    ``epochs`` (E,) and ``matrix`` (E, T) as :func:`rnn_core.labs.gradients.grad_matrix` gives them.
    """
    matrix = np.asarray(matrix, dtype=float)
    rows = downsample(len(matrix))
    z = np.log10(np.maximum(matrix[rows], MIN_NORM)) if len(rows) else np.zeros((0, 0))
    fig = go.Figure(go.Heatmap(
        z=z, x=np.arange(1, matrix.shape[1] + 1) if matrix.size else [], y=np.asarray(epochs)[rows],
        colorscale="Viridis", colorbar=dict(title="log₁₀ norm"),
        hovertemplate="epoch %{y}, step %{x}: 10^%{z:.2f}<extra></extra>"))
    return _layout(fig, "∥∂L/∂hₜ∥ over training: epoch × time step (log colour scale)", height,
                   xaxis_title="time step t (1 = oldest input)", yaxis_title="epoch")


def clip_figure(history, clip: float | None, height: int = 300) -> go.Figure:
    """Per epoch, the mean total gradient norm before and after clipping, and the threshold."""
    idx = downsample(len(history))
    epochs = [history[i].epoch for i in idx]
    fig = go.Figure()
    fig.add_scatter(x=epochs, y=[max(history[i].grad_norm, MIN_NORM) for i in idx], mode="lines",
                    name="before clipping", line=dict(color=BEFORE))
    fig.add_scatter(x=epochs, y=[max(history[i].grad_norm_clipped, MIN_NORM) for i in idx], mode="lines",
                    name="after clipping (applied)", line=dict(color=AFTER, dash="dot"))
    if clip is not None:
        fig.add_hline(y=clip, line=dict(color=LIMIT, width=1, dash="dash"),
                      annotation_text=f"clip = {clip:g}", annotation_position="bottom right")
    return _layout(fig, "Gradient norm per epoch, before and after clipping", height,
                   xaxis_title="epoch", yaxis=dict(title="norm (batch mean)", type="log", dtick=1))


def race_figure(runs: dict, height: int = 360) -> go.Figure:
    """Cells trained side by side: training loss per epoch (left), latest ||dL/dh_t|| (right).

    ``runs``: cell -> (history, grad_history), as Trainer attributes.
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1)
    for cell, (history, grad_history) in runs.items():
        color, name = CELL_COLORS.get(cell), _cell_label(cell)
        idx = downsample(len(history))
        # the legend sits on the gradient lines: the loss lines are empty before the first epoch
        fig.add_scatter(x=[history[i].epoch for i in idx], y=[history[i].train_loss for i in idx], mode="lines",
                        name=name, legendgroup=cell, showlegend=False, line=dict(color=color), row=1, col=1)
        if grad_history:
            epoch, norms = grad_history[-1]
            fig.add_scatter(x=np.arange(1, len(norms) + 1), y=np.maximum(norms, MIN_NORM), mode="lines",
                            name=name, legendgroup=cell, line=dict(color=color), row=1, col=2,
                            hovertemplate=f"epoch {epoch}, step %{{x}}: %{{y:.3g}}<extra>{name}</extra>")
    fig.update_xaxes(title_text="epoch", row=1, col=1)
    fig.update_xaxes(title_text="time step t (1 = oldest)", row=1, col=2)
    fig.update_yaxes(title_text="training loss", row=1, col=1)
    fig.update_yaxes(title_text="latest ∥∂L/∂hₜ∥", row=1, col=2)
    fig.update_yaxes(type="log", dtick=1)  # one tick per power of ten
    return _layout(fig, "Same task, same seed, different cells", height)


def connectivity_figure(values, height: int = 280) -> go.Figure:
    """Mean |∂ŷ/∂x_t| per input step t: how much the prediction depends on each past input."""
    values = np.asarray(values, dtype=float)
    fig = go.Figure(go.Bar(x=np.arange(1, len(values) + 1), y=values, marker_color=AFTER,
                           hovertemplate="step %{x}: %{y:.3g}<extra></extra>"))
    return _layout(fig, "Input connectivity: how much the prediction depends on each input", height,
                   xaxis_title="input step t (1 = oldest)", yaxis_title="mean |∂ŷ/∂xₜ|")


def lag_figure(frame, metric: str = "error", solved_error: float = 0.1, height: int = 340) -> go.Figure:
    """The memory task: ``metric`` ("error" or "accuracy") against the lag, one line per cell.

    ``frame``: the sweep table (columns cell, lag, error, accuracy, solved). Filled markers
    are solved runs, open ones failed.
    """
    fig = go.Figure()
    for cell, rows in frame.sort_values("lag").groupby("cell", sort=False):
        solved = rows["solved"].astype(bool).to_numpy()
        fig.add_scatter(x=rows["lag"], y=rows[metric], mode="lines+markers", name=_cell_label(cell),
                        line=dict(color=CELL_COLORS.get(cell)),
                        marker=dict(size=10, symbol=np.where(solved, "circle", "circle-open").tolist()))
    if metric == "error":
        fig.add_hline(y=solved_error, line=dict(color=LIMIT, width=1, dash="dash"),
                      annotation_text="solved below this", annotation_position="top left")
    title = ("Recall error against the lag (1 = no memory at all)" if metric == "error"
             else "Share of answers within the tolerance, against the lag")
    return _layout(fig, title, height, xaxis_title="lag k (steps between the value and the answer)",
                   yaxis_title=metric, yaxis_rangemode="tozero")
