"""Figures of the character-level language model: loss and perplexity, next-character probabilities."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.labs.text import printable
from rnn_core.plots.training import COLORS, _layout, downsample

BASELINE = "#6b7280"


def loss_figure(history: list, uniform_loss: float, height: int = 330) -> go.Figure:
    """Cross entropy (nats per character) and perplexity per epoch, beside the uniform baseline.

    ``history``: records with ``epoch``, ``train_loss``, ``val_loss`` (CharTrainer.history);
    ``uniform_loss``: log(vocabulary size), the loss of guessing every character equally likely.
    Perplexity is exp(loss), drawn on a log axis.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss: cross entropy, nats per character",
                                                        "Perplexity = exp(loss)"), horizontal_spacing=0.1)
    idx = downsample(len(history))
    epochs = [history[i].epoch for i in idx]
    for part, label in (("train", "training"), ("val", "validation")):
        loss = np.array([getattr(history[i], f"{part}_loss") for i in idx], dtype=float)
        style = dict(mode="lines+markers" if len(idx) < 30 else "lines", line=dict(color=COLORS[part]))
        fig.add_scatter(x=epochs, y=loss, name=label, legendgroup=part, row=1, col=1, **style)
        fig.add_scatter(x=epochs, y=np.exp(np.minimum(loss, 700)), name=label, legendgroup=part,
                        showlegend=False, row=1, col=2, **style)
    last = max(epochs[-1] if epochs else 1, 1)
    for col, y in ((1, uniform_loss), (2, math.exp(uniform_loss))):
        fig.add_scatter(x=[0, last], y=[y, y], mode="lines", name="guessing uniformly", legendgroup="uniform",
                        showlegend=col == 1, line=dict(color=BASELINE, dash="dash"), row=1, col=col)
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(type="log", tickvals=[1, 2, 3, 5, 10, 20, 50, 100, 200], row=1, col=2)
    _layout(fig, "", height)
    # below the axes: above them it would cover the panels' titles
    return fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0.5, xanchor="center"),
                             margin=dict(t=40, b=10))


def next_char_figure(chars, probs, top: int = 15, title: str = "", height: int = 300) -> go.Figure:
    """The ``top`` most likely next characters as bars. ``chars`` (V,) and ``probs`` (V,) in vocabulary order.

    Space, newline and tab are drawn as ␣, ⏎ and ⇥.
    """
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")[:top]
    labels = [printable(chars[i]) for i in order]
    fig = go.Figure(go.Bar(x=labels, y=probs[order], marker_color=COLORS["rnn"],
                           text=[f"{p:.0%}" if p >= 0.01 else "" for p in probs[order]], textposition="outside",
                           hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_xaxes(type="category", title_text="next character")
    fig.update_yaxes(range=[0, min(1.0, float(probs[order].max(initial=0)) * 1.2 + 0.02)], title_text="probability")
    return _layout(fig, title, height).update_layout(margin=dict(t=60 if title else 20))
