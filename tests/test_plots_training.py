"""Training figures: a live chart updated in place is the very figure a fresh build would give."""

from types import SimpleNamespace

import numpy as np

from rnn_core.plots import training as plots


def _history(n, scale=1.0):
    return [SimpleNamespace(epoch=i + 1, train_loss=scale / (i + 1), val_loss=scale * 1.1 / (i + 1)) for i in range(n)]


def test_loss_data_set_in_place_equals_a_new_figure():
    fig = plots.loss_figure(_history(5))
    plots.set_loss_data(fig, _history(900, scale=2.0))  # past both the markers cut-off and down-sampling
    fresh = plots.loss_figure(_history(900, scale=2.0))
    assert fig.to_plotly_json() == fresh.to_plotly_json()
    assert len(fig.data[0].x) == plots.MAX_POINTS and fig.data[0].mode == "lines"


def test_predictions_set_in_place_equal_a_new_figure():
    x, truth = np.arange(500), np.random.default_rng(0).normal(size=(500, 2))
    fig = plots.predictions_figure(x, truth, {"rnn": truth * 0}, "t")
    plots.set_predictions(fig, {"rnn": truth * 2})
    assert fig.to_plotly_json() == plots.predictions_figure(x, truth, {"rnn": truth * 2}, "t").to_plotly_json()
