"""Figures of transfer learning: the race's learning curves, its test errors, the data-size sweep,
and what the layers of the pretrained network do with source and target inputs.

Builders take the plain results of :mod:`rnn_core.labs.transfer.race` (dicts and arrays) and
return ``go.Figure``; nothing here trains or knows about Streamlit.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.labs.transfer.race import ARM_LABELS
from rnn_core.plots.theme import log_axis
from rnn_core.plots.training import _layout, downsample

COLORS = {"scratch": "#6b7280", "transfer": "#dc2626", "finetune": "#2563eb", "naive": "#111827",
          "source": "#94a3b8", "target": "#f97316", "random": "#cbd5e1"}
LABELS = {**ARM_LABELS, "naive": "naive (repeat the last value)"}
MAX_SCATTER = 600  # points per cloud: enough to see its shape, light for a phone


def race_figure(curves: dict, height: int = 360) -> go.Figure:
    """Validation loss per epoch of each network, on one chart (log scale).

    ``curves``: arm -> (epochs (E+1,), losses (E+1,)), epoch 0 before any training, as
    ``TransferRace.curves()`` gives them. The epoch-0 point is marked: it is where the
    copied weights start, before the target has taught them anything.
    """
    fig = go.Figure()
    for arm, (epochs, losses) in curves.items():
        idx = downsample(len(epochs))
        fig.add_scatter(x=np.asarray(epochs)[idx], y=np.asarray(losses)[idx], mode="lines", name=LABELS.get(arm, arm),
                        line=dict(color=COLORS.get(arm), width=2.5 if arm == "transfer" else 1.8))
        if len(epochs):
            fig.add_scatter(x=[epochs[0]], y=[losses[0]], mode="markers", showlegend=False, hoverinfo="skip",
                            marker=dict(color=COLORS.get(arm), size=9, symbol="diamond"))
    return _layout(fig, "Target task: validation loss per epoch (same data, seed and batches)", height,
                   xaxis_title="epoch (0 = before fine-tuning)",
                   yaxis=log_axis("loss (MSE, scaled)", empty=not curves))


def scores_figure(scores: dict, metric: str = "rmse", unit: str = "", height: int = 300) -> go.Figure:
    """One bar per network (and the naive forecast): its test error in the series' units.

    ``scores``: name -> {"mae", "rmse", "mase"}, as ``TransferRace.scores()`` gives them.
    """
    names = list(scores)
    values = [scores[n][metric] for n in names]
    fig = go.Figure(go.Bar(x=[LABELS.get(n, n) for n in names], y=values, marker_color=[COLORS.get(n) for n in names],
                           text=[f"{v:.3g}" for v in values], textposition="outside", cliponaxis=False))
    y_title = f"test {metric.upper()}" + (f" ({unit})" if unit else "")
    return _layout(fig, f"Test error after fine-tuning ({metric.upper()}, lower is better)", height,
                   yaxis_title=y_title, showlegend=False)


def sweep_figure(table: dict, metric: str = "rmse", current: int | None = None, height: int = 360) -> go.Figure:
    """Test error against the number of target training windows, one line per network.

    ``table``: name -> list of (windows, error), as ``SizeSweep.table()`` gives it; the naive
    forecast needs no training, so it is a flat dashed line. ``current`` marks the race's
    amount of data.
    """
    fig = go.Figure()
    for name, rows in table.items():
        if not rows:
            continue
        sizes, errors = zip(*rows, strict=True)
        fig.add_scatter(x=list(sizes), y=list(errors), mode="lines+markers", name=LABELS.get(name, name),
                        line=dict(color=COLORS.get(name), dash="dash" if name == "naive" else None,
                                  width=1.2 if name == "naive" else 2))
    errors = [e for rows in table.values() for _, e in rows]
    if current is not None and errors:
        fig.add_scatter(x=[current, current], y=[min(errors), max(errors)], mode="lines", name="the race's data",
                        line=dict(color="#9ca3af", dash="dot", width=1.5), hoverinfo="skip")
    return _layout(fig, f"How much target data? Test {metric.upper()} by training windows", height,
                   yaxis_title=f"test {metric.upper()}",
                   xaxis=log_axis("target training windows (log scale)"))


def _sample(points: np.ndarray, most: int = MAX_SCATTER) -> np.ndarray:
    """At most ``most`` rows, spread evenly (deterministic, so the picture does not flicker)."""
    points = np.asarray(points)
    if len(points) <= most:
        return points
    return points[np.linspace(0, len(points) - 1, most).round().astype(int)]


def hidden_figure(hc, layers=None, source_name: str = "source", target_name: str = "target",
                  height: int = 380) -> go.Figure:
    """Each chosen layer's hidden states on source and target inputs, in the source's two main directions.

    ``hc`` is a ``transfer_compare.HiddenComparison``; ``layers`` 0-based indices (default:
    the first and the last). Where the orange cloud lies on the grey one, this layer
    describes the target's inputs with the same features it learned on the source.
    """
    n = len(hc.source_pcs)
    layers = sorted({0, n - 1}) if layers is None else list(layers)
    titles = [f"layer {k + 1}{' (first)' if k == 0 else ''}{' (last)' if k == n - 1 and n > 1 else ''} · "
              f"the picture holds {hc.source_share[k]:.0%} of its source spread" for k in layers]
    fig = make_subplots(rows=1, cols=len(layers), subplot_titles=titles, horizontal_spacing=0.08)
    for col, k in enumerate(layers, start=1):
        for name, cloud, color in ((source_name, hc.source_pcs[k], COLORS["source"]),
                                   (target_name, hc.target_pcs[k], COLORS["target"])):
            pts = _sample(cloud)
            fig.add_scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=name, legendgroup=name,
                            showlegend=col == 1, marker=dict(color=color, size=4, opacity=0.55), row=1, col=col)
        fig.update_xaxes(title_text="source direction 1", row=1, col=col)
        fig.update_yaxes(title_text="source direction 2", row=1, col=col)
    fig.update_annotations(font_size=12)
    _layout(fig, "Hidden states of the pretrained network: source inputs vs target inputs", height)
    fig.update_layout(margin=dict(t=60, b=80), legend=dict(y=-0.2, yanchor="top", x=0.5, xanchor="center"))
    return fig


def similarity_figure(hc, height: int = 300) -> go.Figure:
    """Per layer, how alike a network trained on the target only is to the pretrained one (linear CKA).

    The paler bars compare a network with untrained random weights instead: how much of
    the likeness needs no training at all.
    """
    fig = go.Figure()
    if hc.similarity is None:
        return _layout(fig, "Run the race first: it trains the network this compares with", height)
    names = [f"layer {k + 1}" for k in range(len(hc.similarity))]
    fig.add_bar(x=names, y=hc.similarity, name="pretrained on the source", marker_color=COLORS["transfer"],
                text=[f"{v:.2f}" for v in hc.similarity], textposition="outside", cliponaxis=False)
    if hc.random_similarity is not None:
        fig.add_bar(x=names, y=hc.random_similarity, name="random weights (untrained)", marker_color=COLORS["random"],
                    text=[f"{v:.2f}" for v in hc.random_similarity], textposition="outside", cliponaxis=False)
    return _layout(fig, "How alike is each layer to the same layer of a network trained on the target only?",
                   height, yaxis_title="similarity (linear CKA, 0 to 1)", yaxis_range=[0, 1.12], barmode="group")
