"""Figures of the recurrent layer: the unrolled drawing carries the numbers it is given."""

from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest

from rnn_core.plots import layer as plots


def _texts(fig) -> list:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("T", [1, 4, 8])
def test_unrolled_figure_has_a_box_per_input_and_state_and_the_arrows(T):
    rng = np.random.default_rng(T)
    x, h = rng.normal(size=T), rng.uniform(-1, 1, size=(T, 3))
    fig = plots.unrolled_figure(x, h, y_hat=0.25)
    assert isinstance(fig, go.Figure)
    assert len(fig.layout.shapes) == 2 * T + 2  # x_1..x_T, h_1..h_T, h_0, ŷ
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == T + (T + 1)  # x_t -> h_t, and h_0 -> h_1 -> ... -> h_T -> ŷ
    texts = _texts(fig)
    for t in range(1, T + 1):
        sub = str(t).translate(plots.SUBSCRIPTS)
        assert f"<b>h{sub}</b>" in texts
        assert any(s.startswith(f"x{sub} = ") for s in texts)
        assert "<br>".join(f"{v:+.2f}" for v in h[t - 1]) in texts, "the actual h_t under its label"
    assert "<b>ŷ</b> = 0.25" in texts


def test_unrolled_figure_draws_a_given_h0():
    fig = plots.unrolled_figure([1.0, 2.0], np.zeros((2, 2)), 0.0, h0=np.array([0.5, -0.25]))
    assert "+0.50<br>-0.25" in _texts(fig)


def test_hidden_heatmap_is_h_transposed():
    h = np.arange(12.0).reshape(4, 3) / 12
    fig = plots.hidden_heatmap(h)
    heat = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), h.T)
    assert list(heat.x) == ["h₁", "h₂", "h₃", "h₄"] and len(heat.y) == 3
    assert heat.zmin == -1 and heat.zmax == 1


def _sat(pre, activation, frac):
    return SimpleNamespace(pre=np.asarray(pre, dtype=float), activation=activation, frac_saturated=frac)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_saturation_figure_histograms_against_the_curve(activation):
    pair = {"raw": _sat(np.linspace(-300, 300, 50), activation, 0.9),
            "scaled": _sat(np.linspace(-1, 1, 50), activation, 0.0)}
    fig = plots.saturation_figure(pair)
    kinds = [type(t).__name__ for t in fig.data]
    assert kinds.count("Histogram") == 2 and kinds.count("Scatter") == 2
    titles = [a.text for a in fig.layout.annotations]
    assert any("raw values: 90%" in t for t in titles) and any("standardised values: 0%" in t for t in titles)
    curve = next(t for t in fig.data if isinstance(t, go.Scatter))
    expected = np.tanh(curve.x) if activation == "tanh" else np.maximum(curve.x, 0)
    np.testing.assert_allclose(curve.y, expected)
    # grey bands where the slope is ~0: tanh's two tails (only the raw panel reaches them),
    # relu's negative side (in both panels)
    bands = [(b.x0, b.x1) for b in fig.layout.shapes if b.type == "rect"]
    if activation == "tanh":
        assert len(bands) == 2 and bands[0][1] == pytest.approx(-plots.FLAT_TANH)
        assert bands[1][0] == pytest.approx(plots.FLAT_TANH)
    else:
        assert len(bands) == 2 and all(x1 == 0 for _, x1 in bands)


def test_comparison_figure_one_line_per_network():
    fig = plots.comparison_figure({"rnn": [1.0, 0.5, 0.2], "mlp": [0.9, 0.6, 0.4]})
    assert [t.name for t in fig.data] == ["RNN", "MLP (feed-forward)"]
    assert fig.layout.yaxis.type == "log"
    assert list(fig.layout.yaxis.ticktext) == ["0.1", "0.2", "0.5", "1", "2"]


def test_log_ticks_skip_non_finite():
    assert plots._log_ticks([np.nan, np.inf, -1.0]) == []


def test_stacked_figure_draws_layer_two_above_its_inputs():
    h1, h2 = np.arange(6.0).reshape(3, 2) / 10, -np.arange(6.0).reshape(3, 2) / 10
    fig = plots.stacked_figure(h1, h2)
    top, bottom = fig.data
    assert np.allclose(top.z, h2.T) and np.allclose(bottom.z, h1.T)
    assert list(top.x) == ["t = 1", "t = 2", "t = 3"] and top.y[0] == "unit 1²"
    assert "inputs" in fig.layout.annotations[1].text
