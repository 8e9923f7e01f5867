"""The cell diagrams carry the code's gate names; the gate heatmaps line up with the input."""

import numpy as np
import pytest

from rnn_core.errors import ConfigError
from rnn_core.labs.gates import GATE_LABELS, SpeedRow
from rnn_core.networks import cells
from rnn_core.plots import cell_diagrams
from rnn_core.plots import gates as plots


def _texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("cell, cls", [("lstm", cells.LSTMCell), ("gru", cells.GRUCell)])
def test_every_gate_the_code_has_is_drawn_with_its_code_name(cell, cls):
    fig = cell_diagrams.cell_diagram(cell)
    texts = " ".join(_texts(fig))
    for name in cls.gate_names:
        assert f"<b>{name}</b> = " in texts, f"gate {name} of {cls.__name__} is labelled in the diagram"
        assert GATE_LABELS[cell][name].replace(" gate", "") in texts
    assert cls.__name__ in fig.layout.title.text
    assert not fig.layout.images, "drawn with shapes, not a copied picture"
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    for a in fig.layout.annotations:
        if a.text.startswith("<b>"):  # a gate's label sits inside its own box
            assert any(r.x0 < a.x < r.x1 and r.y0 < a.y < r.y1 for r in rects), a.text


def test_the_gru_is_drawn_in_pytorchs_form():
    texts = " ".join(_texts(cell_diagrams.gru_diagram()))
    assert "W<sub>hn</sub>h + b<sub>hn</sub>" in texts, "r scales W_hn h + b_hn, after the product"
    assert "W<sub>in</sub>x<sub>t</sub> + b<sub>in</sub>" in texts
    assert "(1 − z) ⊙ n" in texts and "z ⊙ h<sub>t−1</sub>" in texts and "1−" in texts


def test_the_lstm_shows_its_cell_state_path():
    texts = " ".join(_texts(cell_diagrams.lstm_diagram()))
    pieces = ("c<sub>t−1</sub>", "c<sub>t</sub>", "f ⊙ c<sub>t−1</sub>", "i ⊙ g", "o ⊙ tanh(c<sub>t</sub>)")
    for piece in pieces:
        assert piece in texts


def test_means_are_printed_in_their_boxes():
    plain = _texts(cell_diagrams.lstm_diagram())
    texts = _texts(cell_diagrams.lstm_diagram({"f": 0.834, "i": 0.5, "g": 0.1, "o": 0.7}))
    assert not any("mean" in t for t in plain)
    forget = next(t for t in texts if t.startswith("<b>f</b>"))
    assert "mean 0.83" in forget


def test_only_gated_cells_have_a_diagram():
    with pytest.raises(ConfigError, match="LSTM and the GRU"):
        cell_diagrams.cell_diagram("rnn")


def _window(T=12, H=3, seed=0):
    rng = np.random.default_rng(seed)
    gates = {name: rng.random((T, H)) for name in ("i", "f", "o")}
    gates["g"] = rng.uniform(-1, 1, (T, H))
    return np.arange(T, dtype=float) * 10, gates, rng.normal(size=(T, H))


def test_heatmaps_stack_the_gates_and_state_under_the_input_on_one_time_axis():
    x, gates, state = _window()
    fig = plots.gate_heatmaps("lstm", x, gates, state, target=125.0, prediction=118.0)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert [t.name for t in heatmaps] == ["f", "i", "o", "state"], "forget, input, output, then the memory"
    for t in heatmaps:
        np.testing.assert_allclose(np.asarray(t.z), (state if t.name == "state" else gates[t.name]).T)
        np.testing.assert_array_equal(t.x, np.arange(1, 13))
    line = fig.data[0]
    np.testing.assert_array_equal(line.x, np.arange(1, 13))
    np.testing.assert_array_equal(line.y, x)
    # every row follows the bottom x axis: one shared time axis
    bottom = heatmaps[-1].xaxis
    for t in fig.data:
        axis = fig.layout["xaxis" + t.xaxis[1:]]
        assert t.xaxis == bottom or axis.matches == bottom
    marks = {t.name: (t.x[0], t.y[0]) for t in fig.data if t.type == "scatter" and len(t.x) == 1}
    assert marks == {"true next value": (13, 125.0), "forecast ŷ": (13, 118.0)}, "one step after the window"
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 1


def test_candidates_get_their_own_signed_scale_and_gru_rows_follow_its_names():
    x, gates, state = _window()
    fig = plots.gate_heatmaps("lstm", x, gates, state, rows=plots.default_rows("lstm", candidates=True))
    g = next(t for t in fig.data if t.name == "g")
    assert g.coloraxis == "coloraxis2" and (fig.layout.coloraxis2.cmin, fig.layout.coloraxis2.cmax) == (-1, 1)
    assert plots.default_rows("gru") == ["z", "r"] and plots.default_rows("gru", True) == ["z", "r", "n"]
    T, H = 8, 2
    gru = plots.gate_heatmaps("gru", np.zeros(T), {n: np.full((T, H), 0.5) for n in "rzn"}, np.zeros((T, H)))
    titles = [a.text for a in gru.layout.annotations]
    assert "<b>z</b>: update gate" in titles and "<b>r</b>: reset gate" in titles and "hidden state h" in titles


def test_heatmap_height_grows_with_the_units():
    assert plots.heatmap_height(16, 4) > plots.heatmap_height(4, 4) > plots.heatmap_height(4, 2)


def test_speed_figure_shows_each_measured_epoch_and_the_median():
    rows = [SpeedRow("rnn", 100, 10.0, (9.0, 10.0, 12.0), 0.1, 4),
            SpeedRow("lstm", 400, 20.0, (20.0, 21.0, 19.0), 0.1, 4),
            SpeedRow("gru", 300, 30.0, (30.0, 29.0, 31.0), 0.1, 4)]
    fig = plots.speed_figure(rows)
    bars = fig.data[0]
    assert list(bars.x) == ["vanilla RNN", "LSTM", "GRU"] and list(bars.y) == [10.0, 20.0, 30.0]
    assert "400 parameters" in bars.text[1]
    dots = [t for t in fig.data[1:]]
    assert [list(t.y) for t in dots] == [list(r.ms_each) for r in rows]
