"""AppTest: the Inside LSTM and GRU page renders, trains on demand, measures, and turns bad input into a message."""

import pytest

from tests.apptest_helpers import chart, run_page, tick_until

PAGE = "6_Inside_LSTM_and_GRU.py"
QUICK = {"dataset": "sine", "inside_epochs": 5}  # a short sine and few epochs keep each training quick


@pytest.fixture
def at():
    return run_page(PAGE, **QUICK)


def _texts(fig) -> str:
    return " ".join(a["text"] for a in fig["layout"]["annotations"])


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_renders_diagram_notes_equation_code_and_parameter_table(at):
    assert "<b>f</b> = σ(·)" in _texts(chart(at, "cell_diagram"))
    assert "c_t" in at.latex[0].value and "c = f * c + i * g" in at.code[0].value
    table = next(df.value for df in at.dataframe if "weight blocks" in df.value.columns)
    assert list(table["weight blocks"]) == [1, 4, 3]
    assert any("forget gate" in md.value for md in at.markdown)
    assert len(at.expander) >= 3, "an Explore prompt per relevant lecture question"
    assert not at.get("plotly_chart")[1:], "nothing trains or is measured until asked"
    assert not at.error


def test_switching_to_gru_changes_diagram_code_and_equation(at):
    at.radio(key="inside_cell").set_value("gru").run()
    assert not at.exception
    texts = _texts(chart(at, "cell_diagram"))
    assert "<b>z</b> = σ(·)" in texts and "<b>f</b>" not in texts
    assert "(1 - z) * n + z * h" in at.code[0].value and "z_t" in at.latex[0].value
    assert any("update gate" in md.value for md in at.markdown)


def _trained(at):
    return tick_until(at, lambda a: a.session_state["inside"].finished and _metrics(a)["epochs"] == "5")


def test_train_shows_gate_heatmaps_live_that_follow_window_and_candidate_toggle(at):
    at.button(key="inside_train").click().run()
    assert not at.exception
    assert at.session_state["inside_running"], "Train starts a live run"
    assert chart(at, "gate_heatmaps"), "the gates are drawn from the first tick, before training ends"
    _trained(at)
    at.run()  # the page rerun a finished run asks for
    metrics = _metrics(at)
    assert metrics["epochs"] == "5" and {"mean f", "mean i", "mean o", "mean g"} <= set(metrics)
    assert "mean " in _texts(chart(at, "cell_diagram")), "the trained gates' means appear in the diagram"
    fig = chart(at, "gate_heatmaps")
    names = [t.get("name") for t in fig["data"] if t["type"] == "heatmap"]
    assert names == ["f", "i", "o", "state"]
    first = fig["data"][0]["y"]
    at.slider(key="inside_window").set_value(5).run()
    assert chart(at, "gate_heatmaps")["data"][0]["y"] != first, "another window, another input"
    at.toggle(key="inside_candidates").set_value(True).run()
    names = [t.get("name") for t in chart(at, "gate_heatmaps")["data"] if t["type"] == "heatmap"]
    assert names == ["f", "i", "o", "g", "state"]
    at.radio(key="inside_cell").set_value("gru").run()  # training follows the settings once asked for
    assert at.session_state["inside_running"]
    _trained(at)
    names = [t.get("name") for t in chart(at, "gate_heatmaps")["data"] if t["type"] == "heatmap"]
    assert names == ["z", "r", "n", "state"] and not at.exception


def test_measure_times_three_cells_and_hidden_size_changes_the_counts(at):
    before = next(df.value for df in at.dataframe if "weight blocks" in df.value.columns)
    at.select_slider(key="speed_hidden_size").set_value(8).run()
    after = next(df.value for df in at.dataframe if "weight blocks" in df.value.columns)
    assert list(after["parameters (layer)"]) != list(before["parameters (layer)"])
    assert list(after["parameters (layer)"]) == [88, 352, 264]
    at.button(key="inside_measure").click().run()
    assert not at.exception
    speed = next(df.value for df in at.dataframe if "ms / epoch (median)" in df.value.columns)
    assert list(speed.index) == ["vanilla RNN", "LSTM", "GRU"]
    assert all(float(ms) > 0 for ms in speed["ms / epoch (median)"])
    assert [b for b in chart(at, "speed_chart")["data"] if b["type"] == "bar"]
    assert any("Measured just now" in md.value for md in at.markdown)


def test_a_too_short_sequence_is_a_message_not_a_crash():
    at = run_page(PAGE, dataset="collatz", collatz_start=16, inside_on=True)  # 16, 8, 4, 2, 1
    assert not at.exception
    assert any("lookback" in e.value for e in at.error)
    assert chart(at, "cell_diagram") and at.code, "the diagram, equations and code still show"


def test_numbers_are_formatted_for_a_student():
    import numpy as np

    from ui.gate_views import fmt_in_window
    from ui.setup import number

    assert fmt_in_window(-1.764e-14, np.array([1.0, -1.0])) == "0.000", "no 1e-14 noise, no negative zero"
    assert fmt_in_window(3855.2, np.array([5000.0])) == "3855"
    assert number(0.0482) == "0.0482" and number(0.00012) == "1.2e-4" and number(float("nan")) == "–"


def test_the_speed_sentence_states_a_difference_only_beyond_the_measured_spread():
    from rnn_core.labs.gates import SpeedRow
    from ui.gate_views import speed_sentence

    def rows(lstm_ms, gru_ms):
        return [SpeedRow("lstm", 400, sorted(lstm_ms)[1], tuple(lstm_ms), 0.1, 4),
                SpeedRow("gru", 300, sorted(gru_ms)[1], tuple(gru_ms), 0.1, 4)]

    assert "no clear difference" in speed_sentence(rows([110, 150, 200], [120, 190, 210]))
    assert "**slower**" in speed_sentence(rows([100, 105, 110], [150, 160, 170]))
    assert "**faster**" in speed_sentence(rows([150, 160, 170], [100, 105, 110]))
