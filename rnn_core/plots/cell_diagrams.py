"""The LSTM and GRU cells drawn with plotly shapes: our own diagrams, labelled with the code's names.

Each gate box carries the name :mod:`rnn_core.networks.cells` gives it (LSTM ``f``, ``i``, ``g``, ``o``;
GRU ``r``, ``z``, ``n``), the function it applies and what it is for; the GRU is drawn in
PyTorch's form, the one the code runs: ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and
``h' = (1 - z) * n + z * h``. After training, the page passes each gate's mean activation
and it is printed in the box.

Boxes and wires are shapes; text and arrowheads are annotations. The figures use plain
data coordinates (x 0..12, y 0..7) with hidden axes.
"""

from __future__ import annotations

import plotly.graph_objects as go

from rnn_core.labs.gates import GATE_LABELS

COLORS = {"sigmoid": ("#fef3c7", "#d97706"), "tanh": ("#dbeafe", "#2563eb"), "linear": ("#f3f4f6", "#6b7280"),
          "wire": "#374151", "state": "#111827", "node": "#ffffff"}
GATE_W, GATE_H = 1.5, 1.15  # a gate box, in data units
R = 0.27  # radius of a pointwise-operation node
SIGMA = "σ"


def _path(fig, points, color=COLORS["wire"], width=1.6, bridge=False) -> None:
    """A polyline; ``bridge`` draws a white halo under it so a wire it crosses shows a gap."""
    d = "M " + " L ".join(f"{x},{y}" for x, y in points)
    if bridge:
        fig.add_shape(type="path", path=d, line=dict(color="white", width=width + 8))
    fig.add_shape(type="path", path=d, line=dict(color=color, width=width))


def _wire(fig, points, color=COLORS["wire"], width=1.6, bridge=False) -> None:
    """A polyline whose last segment ends in an arrowhead."""
    if len(points) > 2:
        _path(fig, points[:-1], color, width, bridge)
    if bridge:
        _path(fig, points[-2:], color, width, bridge=True)
    (ax, ay), (x, y) = points[-2], points[-1]
    fig.add_annotation(x=x, y=y, ax=ax, ay=ay, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                       arrowhead=2, arrowsize=1.1, arrowwidth=width, arrowcolor=color)


def _text(fig, x, y, text, size=13, color="#111827", **kw) -> None:
    fig.add_annotation(x=x, y=y, text=text, showarrow=False, font=dict(size=size, color=color), **kw)


def _node(fig, x, y, symbol: str) -> None:
    """A pointwise operation: ⊙ (element-wise product), + or 1−."""
    fig.add_shape(type="circle", x0=x - R, y0=y - R, x1=x + R, y1=y + R, fillcolor=COLORS["node"],
                  line=dict(color=COLORS["wire"], width=1.6))
    _text(fig, x, y, symbol, size=15 if symbol != "1−" else 12)


def _dot(fig, x, y) -> None:
    """Where a wire splits in two."""
    fig.add_shape(type="circle", x0=x - 0.07, y0=y - 0.07, x1=x + 0.07, y1=y + 0.07,
                  fillcolor=COLORS["wire"], line=dict(width=0))


def _box(fig, x, y, w, h, kind: str, text: str, size=13) -> None:
    fill, line = COLORS[kind]
    fig.add_shape(type="rect", x0=x - w / 2, y0=y - h / 2, x1=x + w / 2, y1=y + h / 2, fillcolor=fill,
                  line=dict(color=line, width=1.8))
    _text(fig, x, y, text, size=size)


def _gate(fig, x, y, cell: str, name: str, kind: str, means) -> None:
    """A gate box: the code's name and function in bold, its role, its mean activation if known."""
    fn = SIGMA if kind == "sigmoid" else "tanh"
    lines = [f"<b>{name}</b> = {fn}(·)", f"<i>{GATE_LABELS[cell][name].replace(' gate', '')}</i>"]
    if means and name in means:
        lines.append(f"mean {means[name]:.2f}")
    _box(fig, x, y, GATE_W, GATE_H + (0.3 if len(lines) > 2 else 0), kind, "<br>".join(lines), size=11)


def _state_line(fig, y, name: str, nodes, caption) -> None:
    """The memory along the top, from {name}_{t-1} on the left to {name}_t on the right, broken by
    the two pointwise nodes at x = ``nodes`` (drawn by the caller); ``caption`` = (x, text) above it."""
    _text(fig, 0.35, y, f"{name}<sub>t−1</sub>", size=15)
    ends = [0.8, *[x for node in nodes for x in (node - R, node + R)]]
    for x0, x1 in zip(ends[:-1:2], ends[1::2], strict=True):
        _path(fig, [(x0, y), (x1, y)], COLORS["state"], 3)
    _wire(fig, [(ends[-1], y), (11.2, y)], COLORS["state"], 3)
    _text(fig, 11.75, y, f"{name}<sub>t</sub>", size=15)
    _text(fig, caption[0], y + 0.4, caption[1], size=11, color="#6b7280")


def _finish(fig, title: str, height: int) -> go.Figure:
    fig.update_xaxes(visible=False, range=[-0.2, 12.4], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.7, 7.0], fixedrange=True, scaleanchor="x", scaleratio=1)
    fig.update_layout(title=title, height=height, margin=dict(l=5, r=5, t=45, b=5), plot_bgcolor="white",
                      showlegend=False)
    return fig


def lstm_diagram(means: dict | None = None, height: int = 420) -> go.Figure:
    """The LSTM cell of :class:`rnn_core.networks.cells.LSTMCell`: c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).

    Parameters
    ----------
    means : dict, optional
        Gate name ("i", "f", "g", "o") -> mean activation, printed in the gate's box.
    height : int

    Returns
    -------
    go.Figure
        Gate boxes are rect shapes; each box's label starts with the code's gate name in bold.
    """
    fig, top, bus, gy = go.Figure(), 6.2, 1.0, 2.6
    xf, xi, xg, xo, xplus, xt = 2.8, 4.4, 6.0, 8.0, 5.2, 9.6
    # the cell state runs along the top: c_{t-1} -> forget -> add -> c_t
    _state_line(fig, top, "c", (xf, xplus), (7.3, "cell state: the long-term memory lane"))
    # h_{t-1} and x_t meet on the bus that feeds all four gates
    _text(fig, 0.35, bus, "h<sub>t−1</sub>", size=15)
    _path(fig, [(0.8, bus), (xo, bus)])
    _text(fig, 1.6, -0.45, "x<sub>t</sub>", size=15)
    _path(fig, [(1.6, -0.2), (1.6, bus)])
    _dot(fig, 1.6, bus)
    _text(fig, 3.6, bus - 0.3, "[h<sub>t−1</sub>, x<sub>t</sub>]", size=11, color="#6b7280")
    for x, name, kind in ((xf, "f", "sigmoid"), (xi, "i", "sigmoid"), (xg, "g", "tanh"), (xo, "o", "sigmoid")):
        _wire(fig, [(x, bus), (x, gy - GATE_H / 2 - 0.15)])
        _gate(fig, x, gy, "lstm", name, kind, means)
    hi = gy + GATE_H / 2 + 0.15  # where a wire leaves the top of a gate box
    _wire(fig, [(xf, hi), (xf, top - R)])
    _node(fig, xf, top, "⊙")
    _text(fig, xf - 0.75, top - 0.55, "f ⊙ c<sub>t−1</sub>", size=11, color="#6b7280")
    y_ig = 4.45
    _wire(fig, [(xi, hi), (xi, y_ig), (xplus - R, y_ig)])
    _wire(fig, [(xg, hi), (xg, y_ig), (xplus + R, y_ig)])
    _node(fig, xplus, y_ig, "⊙")
    _wire(fig, [(xplus, y_ig + R), (xplus, top - R)])
    _node(fig, xplus, top, "+")
    _text(fig, xplus + 0.55, y_ig + 0.55, "i ⊙ g", size=11, color="#6b7280")
    # the output: h_t = o ⊙ tanh(c_t)
    _dot(fig, xt, top)
    _wire(fig, [(xt, top), (xt, 5.3)])
    _box(fig, xt, 5.05, 1.0, 0.5, "tanh", "tanh", size=12)
    y_o = 3.9
    _wire(fig, [(xt, 4.8), (xt, y_o + R)])
    _wire(fig, [(xo, hi), (xo, y_o), (xt - R, y_o)])
    _node(fig, xt, y_o, "⊙")
    _wire(fig, [(xt + R, y_o), (11.2, y_o)], COLORS["state"], 2.4)
    _text(fig, 11.75, y_o, "h<sub>t</sub>", size=15)
    _text(fig, 10.7, y_o - 0.55, "o ⊙ tanh(c<sub>t</sub>)", size=11, color="#6b7280")
    _text(fig, 10.3, 2.3, "h<sub>t</sub>: to the next<br>step and the head", size=10, color="#6b7280")
    return _finish(fig, "LSTM cell (LSTMCell)", height)


def gru_diagram(means: dict | None = None, height: int = 420) -> go.Figure:
    """The GRU cell of :class:`rnn_core.networks.cells.GRUCell`, in PyTorch's form.

    n = tanh(W_in x + b_in + r ⊙ (W_hn h_{t-1} + b_hn)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}.

    Parameters
    ----------
    means : dict, optional
        Gate name ("r", "z", "n") -> mean activation, printed in the gate's box.
    height : int

    Returns
    -------
    go.Figure
    """
    fig, top, bus, gy = go.Figure(), 6.2, 1.0, 2.6
    xdrop, xw, xr, xn, xz, xplus = 1.2, 3.0, 4.6, 6.1, 7.6, 9.2
    y_c = 4.45  # the candidate's row
    # the hidden state runs along the top: h_{t-1} -> keep z of it -> add (1 - z) of n -> h_t
    _state_line(fig, top, "h", (xz, xplus), (5.0, "hidden state: the GRU's only memory"))
    # the same h_{t-1} drops to the bus that feeds the gates, where x_t joins it
    _dot(fig, xdrop, top)
    _path(fig, [(xdrop, top), (xdrop, bus), (xz, bus)])
    _text(fig, 2.0, -0.45, "x<sub>t</sub>", size=15)
    _path(fig, [(2.0, -0.2), (2.0, bus)])
    _dot(fig, 2.0, bus)
    _text(fig, 3.1, bus - 0.3, "[h<sub>t−1</sub>, x<sub>t</sub>]", size=11, color="#6b7280")
    hi = gy + GATE_H / 2 + 0.15
    # update gate z: its vertical wire is drawn first, so the candidate's wire bridges over it
    _wire(fig, [(xz, bus), (xz, gy - GATE_H / 2 - 0.15)])
    _gate(fig, xz, gy, "gru", "z", "sigmoid", means)
    _wire(fig, [(xz, hi), (xz, top - R)])
    _node(fig, xz, top, "⊙")
    _text(fig, xz - 0.85, top - 0.5, "z ⊙ h<sub>t−1</sub>", size=11, color="#6b7280")
    # reset gate r scales W_hn h_{t-1} + b_hn inside the candidate (PyTorch's form)
    _wire(fig, [(xr, bus), (xr, gy - GATE_H / 2 - 0.15)])
    _gate(fig, xr, gy, "gru", "r", "sigmoid", means)
    _dot(fig, xw, top)
    _wire(fig, [(xw, top), (xw, y_c + 0.3)])
    _box(fig, xw, y_c, 1.6, 0.6, "linear", "W<sub>hn</sub>h + b<sub>hn</sub>", size=11)
    _wire(fig, [(xw + 0.8, y_c), (xr - R, y_c)])
    _wire(fig, [(xr, hi), (xr, y_c - R)])
    _node(fig, xr, y_c, "⊙")
    # candidate n, from the reset-scaled state and the input's own part W_in x + b_in
    _wire(fig, [(xr + R, y_c), (xn - GATE_W / 2, y_c)])
    _wire(fig, [(xn, bus), (xn, y_c - GATE_H / 2 - 0.15)])
    _dot(fig, xn, bus)
    _text(fig, xn - 0.08, 3.45, "W<sub>in</sub>x<sub>t</sub> + b<sub>in</sub>", size=10, color="#6b7280",
          xanchor="right")
    _gate(fig, xn, y_c, "gru", "n", "tanh", means)
    # (1 - z) ⊙ n joins the top line
    y_one = gy
    _wire(fig, [(xz + GATE_W / 2, y_one), (xplus - R, y_one)])
    _node(fig, xplus, y_one, "1−")
    _wire(fig, [(xplus, y_one + R), (xplus, y_c - R)])
    _wire(fig, [(xn + GATE_W / 2, y_c), (xplus - R, y_c)], bridge=True)
    _node(fig, xplus, y_c, "⊙")
    _wire(fig, [(xplus, y_c + R), (xplus, top - R)])
    _node(fig, xplus, top, "+")
    _text(fig, xplus + 0.95, y_c, "(1 − z) ⊙ n", size=11, color="#6b7280")
    return _finish(fig, "GRU cell (GRUCell, in PyTorch's form)", height)


def cell_diagram(cell: str, means: dict | None = None, height: int = 420) -> go.Figure:
    """:func:`lstm_diagram` or :func:`gru_diagram` by cell name ("lstm" or "gru")."""
    if cell == "lstm":
        return lstm_diagram(means, height)
    if cell == "gru":
        return gru_diagram(means, height)
    from rnn_core.errors import ConfigError

    raise ConfigError(f"Only the LSTM and the GRU have a gate diagram here, not {cell!r}.")
