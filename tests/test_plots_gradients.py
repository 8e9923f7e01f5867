"""Gradient figures: each shows exactly the numbers it is given."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from rnn_core.plots import gradients as plots


def _history(norms, clipped):
    return [SimpleNamespace(epoch=i + 1, train_loss=1.0 / (i + 1), grad_norm=n, grad_norm_clipped=c)
            for i, (n, c) in enumerate(zip(norms, clipped, strict=True))]


def test_heatmap_is_log10_of_the_norms_epochs_by_steps():
    m = np.array([[1e-4, 1e-2, 1.0], [1e-1, 1.0, 10.0]])
    fig = plots.grad_heatmap(np.array([1, 4]), m)
    trace = fig.data[0]
    np.testing.assert_allclose(np.asarray(trace.z), np.log10(m))
    assert list(trace.y) == [1, 4] and list(trace.x) == [1, 2, 3]
    assert fig.layout.xaxis.title.text.startswith("time step")


def test_heatmap_of_nothing_and_of_zeros_draws():
    assert plots.grad_heatmap(np.zeros(0), np.zeros((0, 0))).data[0].z.size == 0
    z = np.asarray(plots.grad_heatmap(np.array([1]), np.zeros((1, 2))).data[0].z)
    assert np.isfinite(z).all()  # log10 of 0 is clamped, not -inf


def test_clip_figure_shows_before_after_and_the_threshold():
    history = _history([5.0, 0.5], [1.0, 0.5])
    fig = plots.clip_figure(history, clip=1.0)
    before, after = fig.data
    assert list(before.y) == [5.0, 0.5] and list(after.y) == [1.0, 0.5]
    assert fig.layout.yaxis.type == "log"
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 1.0
    assert len(plots.clip_figure(history, clip=None).layout.shapes) == 0


def test_race_figure_has_a_loss_and_a_gradient_line_per_cell():
    runs = {"rnn": (_history([1, 1], [1, 1]), [(2, np.array([1e-6, 1.0]))]),
            "lstm": (_history([1, 1, 1], [1, 1, 1]), [])}
    fig = plots.race_figure(runs)
    names = [t.name for t in fig.data]
    assert names == ["Vanilla RNN", "Vanilla RNN", "LSTM"]
    assert [t.showlegend for t in fig.data] == [False, None, False]  # the legend names the gradient lines
    assert list(fig.data[1].y) == [1e-6, 1.0] and list(fig.data[2].x) == [1, 2, 3]
    assert fig.data[0].line.color != fig.data[2].line.color


def test_connectivity_bars():
    fig = plots.connectivity_figure([0.5, 0.1, 0.0, 2.0])
    assert list(fig.data[0].y) == [0.5, 0.1, 0.0, 2.0] and list(fig.data[0].x) == [1, 2, 3, 4]


@pytest.mark.parametrize("metric", ["error", "accuracy"])
def test_lag_figure_one_line_per_cell_open_markers_for_failures(metric):
    frame = pd.DataFrame({"cell": ["rnn", "rnn", "lstm", "lstm"], "lag": [30, 10, 10, 30],
                          "error": [1.0, 0.05, 0.04, 0.06], "accuracy": [0.2, 0.9, 0.9, 0.85],
                          "solved": [False, True, True, True]})
    fig = plots.lag_figure(frame, metric)
    rnn, lstm = fig.data
    assert rnn.name == "Vanilla RNN" and list(rnn.x) == [10, 30]
    assert list(rnn.y) == ([0.05, 1.0] if metric == "error" else [0.9, 0.2])
    assert list(rnn.marker.symbol) == ["circle", "circle-open"]
    assert len(fig.layout.shapes) == (1 if metric == "error" else 0)
