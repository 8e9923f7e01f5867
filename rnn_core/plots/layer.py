"""Figures of the recurrent layer: the unrolled network with its numbers, h over time,
two stacked layers' states, saturation against the activation curve, and the MLP-vs-RNN validation curves.

Every builder takes plain arrays (or objects with the same fields as
``rnn_core.labs.layer``'s results) and returns a ``go.Figure``; nothing here knows about
Streamlit or torch.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_core.plots.theme import MODEL_COLORS

COLORS = {"x": "#dbeafe", "x_line": "#2563eb", "h": "#fef3c7", "h_line": "#d97706", "h0": "#f3f4f6",
          "y": "#dcfce7", "y_line": "#16a34a", "arrow": "#374151", "raw": "#dc2626", "scaled": "#2563eb",
          "curve": "#111827", "rnn": MODEL_COLORS["rnn"], "mlp": MODEL_COLORS["mlp"]}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
HALF = 0.36  # half the width of a box, in steps


def subscript(t: int) -> str:
    """``12`` -> ``₁₂``, for labels such as h₁₂."""
    return str(t).translate(SUBSCRIPTS)


def _box(fig, x0, y0, x1, y1, fill, line, dash=None) -> None:
    fig.add_shape(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, fillcolor=fill, layer="below",
                  line=dict(color=line, width=1.5, dash=dash))


def _arrow(fig, tail, head) -> None:
    fig.add_annotation(x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x", ayref="y",
                       text="", showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.5,
                       arrowcolor=COLORS["arrow"])


def _text(fig, x, y, text, size=13, **kw) -> None:
    fig.add_annotation(x=x, y=y, text=text, showarrow=False, font=dict(size=size), **kw)


def _vector(v) -> str:
    return "<br>".join(f"{value:+.2f}" for value in np.asarray(v).reshape(-1))


def unrolled_figure(x, h, y_hat: float, h0=None, height: int = 420, title: str = "") -> go.Figure:
    """The network unrolled over a short input, every box carrying its actual numbers.

    Parameters
    ----------
    x : array (T,)
        The inputs x_1..x_T, drawn along the bottom.
    h : array (T, H)
        The hidden states h_1..h_T, drawn above their inputs with the vector inside.
    y_hat : float
        The output read from h_T, drawn at the end.
    h0 : array (H,), optional
        The initial state, drawn dashed on the left (zeros when not given).

    Returns
    -------
    go.Figure
        Boxes are shapes; labels and arrows are annotations (x_t -> h_t, h_{t-1} -> h_t, h_T -> ŷ).
    """
    x, h = np.asarray(x, dtype=float).reshape(-1), np.asarray(h, dtype=float)
    T = len(x)
    h = h.reshape(T, -1)
    h0 = np.zeros(h.shape[1]) if h0 is None else np.asarray(h0, dtype=float)
    tall = 1.2 + 0.28 * h.shape[1]  # room for one number per hidden unit
    y_h = 2.0  # bottom of the hidden row
    fig = go.Figure()
    for t in range(T + 2):  # column 0: h_0; 1..T: the steps; T+1: the output
        left, right = t - HALF, t + HALF
        if t == 0:
            _box(fig, left, y_h, right, y_h + tall, COLORS["h0"], COLORS["arrow"], dash="dot")
            _text(fig, t, y_h + tall - 0.35, "<b>h₀</b>")
            _text(fig, t, y_h + (tall - 0.5) / 2, _vector(h0), size=13)
        elif t <= T:
            _box(fig, left, 0, right, 0.8, COLORS["x"], COLORS["x_line"])
            _text(fig, t, 0.4, f"x{subscript(t)} = {x[t - 1]:.3g}", size=13)
            _arrow(fig, (t, 0.8), (t, y_h))
            _box(fig, left, y_h, right, y_h + tall, COLORS["h"], COLORS["h_line"])
            _text(fig, t, y_h + tall - 0.35, f"<b>h{subscript(t)}</b>")
            _text(fig, t, y_h + (tall - 0.5) / 2, _vector(h[t - 1]), size=13)
        else:
            mid = y_h + tall / 2
            _box(fig, left, mid - 0.45, right, mid + 0.45, COLORS["y"], COLORS["y_line"])
            _text(fig, t, mid, f"<b>ŷ</b> = {y_hat:.3g}", size=13)
        if t >= 1:
            _arrow(fig, (t - 1 + HALF, y_h + tall / 2), (t - HALF, y_h + tall / 2))
    fig.update_xaxes(visible=False, range=[-0.6, T + 1.6])
    fig.update_yaxes(visible=False, range=[-0.3, y_h + tall + 0.3])
    fig.update_layout(title=title or f"Unrolled over {T} steps: the same cell (same weights) at every step",
                      height=height, margin=dict(l=10, r=10, t=50, b=10), plot_bgcolor="white",
                      showlegend=False)
    return fig


def hidden_heatmap(h, height: int = 260, title: str = "Hidden state over time") -> go.Figure:
    """h (T, H) as a heatmap: one row per hidden unit, one column per step, the values printed."""
    h = np.asarray(h, dtype=float)
    T, H = h.shape
    bound = max(1.0, float(np.abs(h).max())) if h.size else 1.0
    fig = go.Figure(go.Heatmap(z=h.T, x=[f"h{subscript(t)}" for t in range(1, T + 1)],
                               y=[f"unit {k}" for k in range(1, H + 1)], zmin=-bound, zmax=bound, zmid=0,
                               colorscale="RdBu", reversescale=True, texttemplate="%{z:.2f}",
                               colorbar=dict(title="value", thickness=12)))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def stacked_figure(h1, h2, height: int = 420) -> go.Figure:
    """Two layers' states (T, H) each as a heatmap, layer 2 on top: its inputs are layer 1's columns."""
    h1, h2 = np.asarray(h1, dtype=float), np.asarray(h2, dtype=float)
    bound = max(1.0, float(np.abs(h1).max()), float(np.abs(h2).max()))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16, subplot_titles=(
        "Layer 2: its states h²ₜ (the head reads only the last one)",
        "Layer 1: its states h¹ₜ, which are layer 2's inputs x²ₜ, one column per step"))
    for row, (h, name) in enumerate(((h2, "²"), (h1, "¹")), start=1):
        T, H = h.shape
        fig.add_trace(go.Heatmap(z=h.T, x=[f"t = {t}" for t in range(1, T + 1)],
                                 y=[f"unit {k}{name}" for k in range(1, H + 1)], zmin=-bound, zmax=bound, zmid=0,
                                 colorscale="RdBu", reversescale=True, texttemplate="%{z:.2f}",
                                 showscale=row == 1, colorbar=dict(title="value", thickness=12)), row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10))
    return fig


FLAT_TANH = float(np.arctanh(0.99))  # beyond |a| = 2.65, tanh's slope is below 0.02


def _curve(activation: str, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    a = np.linspace(lo, hi, 300)
    return a, (np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0))


def _flat_regions(activation: str, lo: float, hi: float) -> list:
    """Where f is (nearly) flat on [lo, hi]: the ranges of a where no gradient gets through."""
    edges = [(lo, -FLAT_TANH), (FLAT_TANH, hi)] if activation == "tanh" else [(lo, 0.0)]
    return [(max(a, lo), min(b, hi)) for a, b in edges if min(b, hi) > max(a, lo)]


def saturation_figure(pair: dict, height: int = 360) -> go.Figure:
    """Histograms of the pre-activations (raw vs standardised inputs), each against f(a).

    ``pair`` maps "raw" and "scaled" to objects with ``pre`` (n,), ``activation`` and
    ``frac_saturated`` (``rnn_core.labs.saturation.Saturation``). The histogram (left axis) shows where the
    pre-activations fall; the curve (right axis) is the activation over that same range; grey
    bands mark where its slope is below 0.02: mass there is where the gradient dies.
    """
    titles = [f"{'raw values' if k == 'raw' else 'standardised values'}: "
              f"{100 * pair[k].frac_saturated:.0f}% of |h| > 0.99" for k in ("raw", "scaled")]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, specs=[[{"secondary_y": True}] * 2],
                        horizontal_spacing=0.1)
    for col, key in enumerate(("raw", "scaled"), start=1):
        s = pair[key]
        pre = np.asarray(s.pre, dtype=float)
        lo, hi = (float(pre.min()), float(pre.max())) if pre.size else (-3.0, 3.0)
        pad = max(0.5, 0.05 * (hi - lo))
        fig.add_trace(go.Histogram(x=pre, nbinsx=60, histnorm="probability", name=f"pre-activations ({key})",
                                   marker_color=COLORS[key], opacity=0.75), row=1, col=col, secondary_y=False)
        lo, hi = lo - pad, hi + pad
        for x0, x1 in _flat_regions(s.activation, lo, hi):
            fig.add_vrect(x0=x0, x1=x1, fillcolor="#9ca3af", opacity=0.18, line_width=0, row=1, col=col)
        a, fa = _curve(s.activation, lo, hi)
        fig.add_trace(go.Scatter(x=a, y=fa, mode="lines", name=f"{s.activation}(a)", showlegend=col == 1,
                                 line=dict(color=COLORS["curve"], width=2)), row=1, col=col, secondary_y=True)
        fig.update_xaxes(title_text="pre-activation a = W_ih x + W_hh h + b", row=1, col=col)
        fig.update_yaxes(title_text="share of values" if col == 1 else None, row=1, col=col, secondary_y=False)
        top = 1.1 if s.activation == "tanh" else 1.1 * max(float(fa.max()), 1.0)
        fig.update_yaxes(title_text=f"{s.activation}(a)" if col == 2 else None, row=1, col=col, secondary_y=True,
                         range=[-top if s.activation == "tanh" else -0.05 * top, top], showgrid=False,
                         tickmode="auto", nticks=5)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=60, b=10), bargap=0.02,
                      legend=dict(orientation="h", yanchor="bottom", y=-0.35, x=0))
    return fig


def _log_ticks(values) -> list:
    """1-2-5 tick values covering the positive finite ``values`` (readable labels on a log axis)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return []
    lo, hi = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
    ticks = [m * 10.0 ** e for e in range(int(lo), int(hi) + 1) for m in (1, 2, 5)]
    return [t for t in ticks if v.min() / 2 <= t <= v.max() * 2]


def comparison_figure(curves: dict, height: int = 300) -> go.Figure:
    """Validation loss per epoch of each network: ``curves`` maps "rnn"/"mlp" to a list of losses."""
    fig = go.Figure()
    ticks = _log_ticks([x for losses in curves.values() for x in losses])
    names = {"rnn": "RNN", "mlp": "MLP (feed-forward)"}
    for name, losses in curves.items():
        fig.add_scatter(x=np.arange(1, len(losses) + 1), y=np.asarray(losses, dtype=float), mode="lines",
                        name=names.get(name, name), line=dict(color=COLORS.get(name), width=2))
    fig.update_layout(title="Validation loss per epoch (scaled units)", height=height, xaxis_title="epoch",
                      yaxis=dict(title="loss", type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks]), margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return fig
