"""Figures of a gated cell at work: gate heatmaps under the input window, and measured speed.

:func:`gate_heatmaps` stacks, on one shared time axis, the input window (with the true
next value and the forecast), one heatmap per gate (units x time steps, 0..1) and the
memory (the LSTM's cell state c, the GRU's h). :func:`speed_figure` shows measured
ms/epoch next to parameter counts. Builders take plain arrays and return ``go.Figure``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.labs.gates import GATE_LABELS, STATE_LABELS
from rnn_core.plots.theme import MODEL_COLORS

GATE_SCALE = "Viridis"  # gates live in (0, 1): a sequential scale, the same for every gate
STATE_SCALE = "RdBu"  # states are signed: a diverging scale centred on 0
ROW_PX = 16  # pixels per hidden unit in a heatmap row
CELL_COLORS = MODEL_COLORS
CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def default_rows(cell: str, candidates: bool = False) -> list[str]:
    """The gates shown by default: LSTM f, i, o (and g); GRU z, r (and n)."""
    names = [n for n in GATE_LABELS[cell] if candidates or GATE_LABELS[cell][n] != "candidate"]
    return names


def heatmap_height(hidden_size: int, rows: int) -> int:
    """The figure height for ``rows`` heatmaps of ``hidden_size`` units plus the input row."""
    return 170 + rows * (34 + ROW_PX * hidden_size)


def gate_heatmaps(cell: str, x, gates: dict, state, rows=None, target: float | None = None,
                  prediction: float | None = None, title: str = "", height: int | None = None) -> go.Figure:
    """The input window on top; below it, on the same time axis, each gate and the memory.

    Parameters
    ----------
    cell : {"lstm", "gru"}
    x : array (T,)
        The window's inputs in the series' units.
    gates : dict
        Gate name (as in ``rnn_core.networks.cells``) -> activations (T, H).
    state : array (T, H)
        The LSTM's cell state c_1..c_T, or the GRU's h_1..h_T.
    rows : list of str, optional
        Which gates, top to bottom; default :func:`default_rows`.
    target, prediction : float, optional
        The true next value and the forecast, drawn one step after the window.

    Returns
    -------
    go.Figure
        Row 1 a line; then one heatmap per gate and one for the state, all sharing the x axis
        t = 1..T. Gates share one colour axis fixed to 0..1; candidates (tanh) one fixed to
        -1..1; the state its own, symmetric around 0. Each colour bar sits beside its rows.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    T = len(x)
    rows = list(rows) if rows is not None else default_rows(cell)
    state = np.asarray(state, dtype=float).reshape(T, -1)
    H = state.shape[1]
    labels = [f"<b>{n}</b>: {GATE_LABELS[cell][n]}" for n in rows] + [STATE_LABELS[cell]]
    heights = [1.6] + [0.4 + 0.16 * H] * (len(rows) + 1)
    fig = make_subplots(rows=len(labels) + 1, cols=1, shared_xaxes=True, vertical_spacing=0.035,
                        row_heights=heights, subplot_titles=[""] + labels)
    t = np.arange(1, T + 1)
    fig.add_scatter(x=t, y=x, mode="lines+markers", name="input x<sub>t</sub>", line=dict(color="#111827"),
                    row=1, col=1)
    if target is not None:
        fig.add_scatter(x=[T + 1], y=[target], mode="markers", name="true next value",
                        marker=dict(symbol="circle-open", size=11, color="#111827", line=dict(width=2)), row=1, col=1)
    if prediction is not None:
        fig.add_scatter(x=[T + 1], y=[prediction], mode="markers", name="forecast ŷ",
                        marker=dict(symbol="x", size=10, color="#dc2626"), row=1, col=1)
    fig.update_yaxes(title_text="input x<sub>t</sub>", row=1, col=1)
    units = [f"unit {k}" for k in range(1, H + 1)]
    bound = max(float(np.abs(state).max()) if state.size else 1.0, 1e-6)
    # colour axis per kind of row: (name, scale, range, colour-bar title) and the rows using it
    kinds = {"gate": ("coloraxis", GATE_SCALE, (0.0, 1.0), "gate", False),
             "candidate": ("coloraxis2", STATE_SCALE, (-1.0, 1.0), "cand.", True),
             "state": ("coloraxis3", STATE_SCALE, (-bound, bound), STATE_LABELS[cell].split()[-1], True)}
    used: dict = {}
    for r, name in enumerate([*rows, "state"], start=2):
        z = state if name == "state" else np.asarray(gates[name], dtype=float).reshape(T, H)
        kind = "state" if name == "state" else "candidate" if GATE_LABELS[cell][name] == "candidate" else "gate"
        used.setdefault(kind, []).append(r)
        fig.add_trace(go.Heatmap(z=z.T, x=t, y=units, coloraxis=kinds[kind][0], name=name,
                                 hovertemplate=f"{name}: %{{z:.2f}}<br>t = %{{x}}, %{{y}}<extra></extra>"),
                      row=r, col=1)
        fig.update_yaxes(autorange="reversed", showticklabels=H <= 16, tickfont=dict(size=9), row=r, col=1)
    fig.update_xaxes(range=[0.5, T + 1.5], row=len(labels) + 1, col=1, title_text="time step t in the window")
    for kind, rs in used.items():
        axis, scale, (lo, hi), bar_title, reverse = kinds[kind]
        top = fig.get_subplot(rs[0], 1).yaxis.domain[1]
        bottom = fig.get_subplot(rs[-1], 1).yaxis.domain[0]
        fig.update_layout({axis: dict(colorscale=scale, cmin=lo, cmax=hi, reversescale=reverse,
                                      colorbar=dict(title=bar_title, y=top, len=top - bottom, yanchor="top",
                                                    thickness=12))})
    fig.update_layout(
        title=title or "Inside the window: each gate, unit by unit, step by step",
        height=height or heatmap_height(H, len(rows) + 1), margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
    )
    return fig


def speed_figure(rows, height: int = 320) -> go.Figure:
    """Measured ms/epoch per cell as bars, each labelled with its parameter count.

    ``rows``: objects with ``cell``, ``ms_per_epoch``, ``ms_each`` and ``parameters``
    (``rnn_core.labs.gates.SpeedRow``). Every timed epoch is a dot on its bar, so the spread shows.
    """
    fig = go.Figure()
    names = [CELL_NAMES[r.cell] for r in rows]
    fig.add_bar(x=names, y=[r.ms_per_epoch for r in rows], name="median ms / epoch",
                marker_color=[CELL_COLORS[r.cell] for r in rows],
                text=[f"{r.ms_per_epoch:.0f} ms · {r.parameters:,} parameters" for r in rows],
                textposition="inside", insidetextanchor="start", textfont=dict(color="white"))
    for r in rows:
        fig.add_scatter(x=[CELL_NAMES[r.cell]] * len(r.ms_each), y=list(r.ms_each), mode="markers",
                        marker=dict(color="#111827", size=6, opacity=0.6), name="one epoch",
                        showlegend=r is rows[0])
    top = max([max(r.ms_each, default=r.ms_per_epoch) for r in rows] + [1.0])
    fig.update_layout(title="Measured training time per epoch (same windows, hidden size, batch, seed)",
                      height=height, yaxis=dict(title="ms per epoch", range=[0, 1.25 * top]),
                      margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return fig
