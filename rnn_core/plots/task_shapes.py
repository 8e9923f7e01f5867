"""The four shapes of a sequence task as small diagrams: inputs below, one cell per step, outputs above.

Takes :class:`rnn_core.data.task_shapes.TaskShape` objects (or anything with their fields)
and returns a ``go.Figure``; the numbers in the boxes are the shapes' real first windows.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

COLORS = {"x": "#dbeafe", "x_line": "#2563eb", "cell": "#fef3c7", "cell_line": "#d97706",
          "decoder": "#ede9fe", "decoder_line": "#7c3aed", "y": "#dcfce7", "y_line": "#16a34a",
          "arrow": "#374151", "feedback": "#7c3aed"}
HALF = 0.32  # half a box, in steps
ROWS = {"x": 0.0, "cell": 1.0, "y": 2.0}


def _label(value) -> str:
    if isinstance(value, list):
        return ",".join(f"{v:g}" for v in value)
    return f"{value:g}"


def _axes(index: int) -> tuple[str, str]:
    suffix = "" if index == 1 else str(index)
    return f"x{suffix}", f"y{suffix}"


def _box(fig, axes, step, row, fill, line, text) -> None:
    x, y = axes
    centre = ROWS[row]
    fig.add_shape(type="rect", xref=x, yref=y, x0=step - HALF, x1=step + HALF, y0=centre - 0.28, y1=centre + 0.28,
                  fillcolor=fill, line=dict(color=line, width=1.5), layer="below")
    fig.add_annotation(xref=x, yref=y, x=step, y=centre, text=text, showarrow=False, font=dict(size=12))


def _arrow(fig, axes, tail, head, color=COLORS["arrow"], dash=False) -> None:
    x, y = axes
    fig.add_annotation(xref=x, yref=y, axref=x, ayref=y, x=head[0], y=head[1], ax=tail[0], ay=tail[1], text="",
                       showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=1.4 if not dash else 1.2,
                       arrowcolor=color)


def _panel(fig, axes, shape) -> None:
    decoder = set(shape.decoder)
    steps = sorted(set(shape.reads) | set(shape.emits) | decoder)
    for i, step in enumerate(steps):
        is_decoder = step in decoder
        _box(fig, axes, step, "cell", COLORS["decoder" if is_decoder else "cell"],
             COLORS["decoder_line" if is_decoder else "cell_line"], "dec" if is_decoder else "cell")
        if i:
            _arrow(fig, axes, (steps[i - 1] + HALF, 1.0), (step - HALF, 1.0))
    for k, step in enumerate(shape.reads):
        _box(fig, axes, step, "x", COLORS["x"], COLORS["x_line"], _label(shape.inputs[k]))
        _arrow(fig, axes, (step, 0.28), (step, 0.72))
    outputs = list(shape.emits) or list(shape.decoder)
    targets = shape.targets if len(outputs) == len(shape.targets) else [shape.targets]
    for step, target in zip(outputs, targets, strict=True):
        _box(fig, axes, step, "y", COLORS["y"], COLORS["y_line"], _label(target))
        _arrow(fig, axes, (step, 1.28), (step, 1.72))
    for step in shape.decoder[:-1]:  # each decoder output is the next decoder step's input
        _arrow(fig, axes, (step + 0.2, 1.72), (step + 1 - 0.2, 1.28), color=COLORS["feedback"])


def task_shapes_figure(shapes, height: int = 520) -> go.Figure:
    """A 2 × 2 grid, one diagram per shape, titled with the shape and the Train page's mode for it."""
    titles = [f"{s.title}  ({'window mode: ' + s.app_mode if s.app_mode else 'not trained in this app'})"
              for s in shapes]
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, vertical_spacing=0.16, horizontal_spacing=0.06)
    width = max(max((*s.reads, *s.emits, *s.decoder)) for s in shapes) + 1
    for index, shape in enumerate(shapes, start=1):
        _panel(fig, _axes(index), shape)
    fig.update_xaxes(range=[-0.6, width - 0.4], visible=False)
    fig.update_yaxes(range=[-0.45, 2.45], visible=False)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=50, b=10), showlegend=False)
    return fig
