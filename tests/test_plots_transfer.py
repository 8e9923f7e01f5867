"""Transfer figures: one trace per network on one chart, epoch 0 marked, the sweep on a log axis,
clouds capped in size, and the similarity bars saying what is missing before the race."""

import numpy as np
import plotly.graph_objects as go

from rnn_core.labs.transfer.probe import HiddenComparison
from rnn_core.plots import transfer as plots

CURVES = {arm: (np.arange(6), np.linspace(1.0, 0.1, 6) * (k + 1)) for k, arm in
          enumerate(("scratch", "transfer", "finetune"))}
SCORES = {"scratch": {"mae": 3.0, "rmse": 4.0, "mase": 1.2}, "transfer": {"mae": 2.0, "rmse": 2.5, "mase": 0.8},
          "finetune": {"mae": 1.5, "rmse": 2.0, "mase": 0.6}, "naive": {"mae": 2.5, "rmse": 3.0, "mase": 1.0}}


def _lines(fig):
    return [t for t in fig.data if t.showlegend is not False]


def test_race_figure_draws_every_network_on_one_log_chart_with_epoch_zero_marked():
    fig = plots.race_figure(CURVES)
    assert isinstance(fig, go.Figure) and fig.layout.yaxis.type == "log"
    assert [t.name for t in _lines(fig)] == ["from scratch", "transfer: your plan", "fully fine-tuned"]
    starts = [t for t in fig.data if t.showlegend is False]
    assert [float(t.y[0]) for t in starts] == [1.0, 2.0, 3.0] and all(t.x[0] == 0 for t in starts)
    assert list(_lines(fig)[1].y) == list(CURVES["transfer"][1])


def test_race_figure_thins_a_long_history():
    long = {"scratch": (np.arange(2001), np.linspace(1, 0.1, 2001))}
    assert len(plots.race_figure(long).data[0].x) <= 400


def test_scores_figure_has_one_bar_per_network_and_the_chosen_metric():
    fig = plots.scores_figure(SCORES, metric="mae", unit="kWh")
    bar = fig.data[0]
    assert list(bar.y) == [3.0, 2.0, 1.5, 2.5]
    assert bar.x[-1].startswith("naive") and "kWh" in fig.layout.yaxis.title.text


def test_sweep_figure_plots_error_against_data_size_on_a_log_axis():
    table = {"scratch": [(12, 5.0), (48, 3.0)], "transfer": [(12, 3.0), (48, 2.5)], "finetune": [],
             "naive": [(12, 4.0), (48, 4.0)]}
    fig = plots.sweep_figure(table, current=24)
    assert fig.layout.xaxis.type == "log"
    names = [t.name for t in fig.data]
    assert "fully fine-tuned" not in names, "an empty row draws nothing"
    assert list(fig.data[0].x) == [12, 48] and list(fig.data[1].y) == [3.0, 2.5]
    marker = fig.data[-1]
    assert list(marker.x) == [24, 24] and list(marker.y) == [2.5, 5.0]
    assert fig.data[2].line.dash == "dash", "the naive forecast is a dashed reference"


def test_hidden_figure_shows_first_and_last_layer_with_capped_clouds():
    rng = np.random.default_rng(0)
    hc = HiddenComparison(source_pcs=[rng.normal(size=(2000, 2)) for _ in range(3)],
                          target_pcs=[rng.normal(size=(50, 2)) for _ in range(3)], source_share=[0.9, 0.8, 0.7])
    fig = plots.hidden_figure(hc, source_name="sines", target_name="traffic")
    assert len(fig.data) == 4, "two clouds in each of two panels"
    assert {t.name for t in fig.data} == {"sines", "traffic"}
    assert max(len(t.x) for t in fig.data) == plots.MAX_SCATTER and len(fig.data[1].x) == 50
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].startswith("layer 1 (first)") and titles[1].startswith("layer 3 (last)") and "70%" in titles[1]
    assert len(plots.hidden_figure(hc, layers=[1]).data) == 2


def test_similarity_figure_needs_the_race_and_then_draws_both_bars():
    hc = HiddenComparison([np.zeros((3, 2))] * 2, [np.zeros((3, 2))] * 2, [0.5, 0.5])
    empty = plots.similarity_figure(hc)
    assert not empty.data and "race" in empty.layout.title.text
    hc.similarity, hc.random_similarity = [0.8, 0.5], [0.7, 0.6]
    fig = plots.similarity_figure(hc)
    assert [list(t.y) for t in fig.data] == [[0.8, 0.5], [0.7, 0.6]]
    assert list(fig.data[0].x) == ["layer 1", "layer 2"]
