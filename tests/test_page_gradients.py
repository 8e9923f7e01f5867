"""AppTest: the Gradients through time page renders, its controls change the plots, it trains live,
races cells, shows the cached sweep, and bad input is a message."""

import re

import pytest

from tests.apptest_helpers import chart, plotly_array, run_page, tick_until

PAGE = "5_Gradients_through_time.py"


@pytest.fixture
def at():
    return run_page(PAGE)


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def _profile(at) -> list:
    return plotly_array(chart(at, "grad_profile")["data"][-1]["y"])


def _epochs(at, which: int = 0) -> int:
    return int(re.match(r"(\d+) of", at.get("progress")[which].proto.text).group(1))


def test_renders_profile_race_and_the_cached_sweep(at):
    assert len(_profile(at)) == 30, "one norm per time step of the default lookback"
    assert chart(at, "race_chart")["data"], "the race shows the untrained cells' gradients"
    lag = chart(at, "lag_chart")
    assert {t["name"] for t in lag["data"]} == {"Vanilla RNN", "LSTM", "GRU"}
    table = at.dataframe[0].value
    assert len(table) == 12 and set(table["lag"]) == {10, 20, 30, 50}
    assert _metrics(at)["through time"] == "vanishing"
    assert len(at.expander) >= 6, "an Explore prompt per question"
    assert not at.error


def test_a_large_recurrent_scale_raises_the_exploding_flag(at):
    before = _profile(at)
    at.selectbox(key="grad_init").set_value("orthogonal").run()
    at.number_input(key="grad_radius").set_value(3.0).run()
    assert not at.exception
    assert _profile(at) != before
    m = _metrics(at)
    assert float(m["measured spectral radius of W_hh"]) == pytest.approx(3.0, rel=0.01)
    assert m["through time"] == "exploding"
    assert any("Exploding" in e.value for e in at.error)


def test_lookback_and_cell_change_the_profile(at):
    at.slider(key="grad_lookback").set_value(12).run()
    assert len(_profile(at)) == 12
    before = _profile(at)
    at.selectbox(key="grad_cell").set_value("lstm").run()
    assert not at.exception
    assert at.slider(key="grad_keep_bias").value == 3.0, "gated cells get a keep-gate bias control"
    assert _profile(at) != before


def test_training_ticks_fill_the_heatmap_and_the_clipping_chart(at):
    at.slider(key="grad_lookback").set_value(10).run()
    at.button(key="start_pause_grad_lab").click().run()
    first = _epochs(tick_until(at, lambda a: _epochs(a) >= 1))
    tick_until(at, lambda a: _epochs(a) > first)
    z = chart(at, "grad_heatmap")["data"][0]["z"]  # sent as {"dtype", "bdata", "shape": "rows, cols"}
    rows, cols = (int(n) for n in z["shape"].split(","))
    assert rows >= 1 and cols == 10 and len(plotly_array(z)) == rows * cols
    before, after = chart(at, "clip_chart")["data"]
    assert max(plotly_array(after["y"])) <= 1.0 + 1e-6  # the default clip is 1
    assert len(plotly_array(chart(at, "connectivity_chart")["data"][0]["y"])) == 10


def test_the_race_trains_every_cell(at):
    at.slider(key="grad_lookback").set_value(8).run()
    at.multiselect(key="grad_race_cells").set_value(["rnn", "gru"]).run()
    at.button(key="start_pause_grad_race").click().run()
    at.run()
    assert not at.exception
    losses = [t for t in chart(at, "race_chart")["data"] if t["xaxis"] == "x"]
    assert [t["name"] for t in losses] == ["Vanilla RNN", "GRU"]
    assert all(len(plotly_array(t["x"])) >= 1 for t in losses)


def test_sweep_preset_and_metric_change_the_table_and_the_plot(at):
    at.selectbox(key="sweep_preset").set_value("leaky_and_skip").run()
    assert set(at.dataframe[0].value["cell"]) == {"rnn", "leaky", "skip"}
    error_y = plotly_array(chart(at, "lag_chart")["data"][0]["y"])
    at.radio(key="sweep_metric").set_value("accuracy").run()
    assert plotly_array(chart(at, "lag_chart")["data"][0]["y"]) != error_y
    assert not at.exception


def test_a_lookback_longer_than_the_sequence_is_a_message(at):
    at.radio(key="grad_task").set_value("sequence").run()
    at.selectbox(key="dataset").set_value("nile").run()
    at.slider(key="grad_lookback").set_value(300).run()
    assert not at.exception
    assert any("lookback" in e.value.lower() for e in at.error)


def test_the_sidebar_says_its_sequence_is_unused_while_the_memory_task_trains(at):
    note = "not used until you choose it"
    at.radio(key="grad_task").set_value("memory").run()
    assert any(note in c.value for c in at.sidebar.caption)
    at.radio(key="grad_task").set_value("sequence").run()
    assert not any(note in c.value for c in at.sidebar.caption) and not at.exception
