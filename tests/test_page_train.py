"""AppTest: the Train page trains in ticks, pauses, resets, and shows messages instead of tracebacks."""

import re
from pathlib import Path

import pytest

from rnn_core import config
from tests.apptest_helpers import run_page, tick_until

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "4_Train.py")


def _epoch(at) -> int:
    texts = [p.proto.text for p in at.get("progress")]
    assert texts, "the progress bar is shown"
    return int(re.search(r"Epoch (\d+) of", texts[0]).group(1))


@pytest.fixture
def at():
    return run_page("4_Train.py")


def test_start_ticks_grow_the_history_pause_holds_reset_clears(at):
    assert _epoch(at) == 0
    at.button(key="start_pause").click().run()
    first = _epoch(tick_until(at, lambda a: _epoch(a) >= 1))
    second = _epoch(tick_until(at, lambda a: _epoch(a) > first))
    assert second > first, "ticks keep training"
    assert at.get("plotly_chart"), "the loss chart is drawn"

    at.button(key="start_pause").click().run()  # pause
    held = _epoch(at)
    at.run()
    at.run()
    assert _epoch(at) == held

    at.button(key="step").click().run()
    assert _epoch(at) == held + 1

    at.button(key="reset").click().run()
    assert _epoch(at) == 0
    assert not at.exception


def test_training_to_the_end_scores_against_baselines(at):
    at.slider(key="epochs").set_value(3).run()
    at.button(key="start_pause").click().run()
    tick_until(at, lambda a: a.session_state["trainer"].finished)
    at.run()  # the page rerun that a finished run asks for
    assert _epoch(at) == 3
    assert not at.exception
    tables = at.dataframe
    assert len(tables) >= 1
    models = [str(i) for i in tables[0].value.index]
    assert any(m.startswith("RNN") for m in models) and any("naive" in m for m in models)
    assert any("ARIMA" in m for m in models)


def test_lookback_longer_than_series_is_a_message(at):
    at.selectbox(key="dataset").set_value("collatz").run()
    at.slider(key="lookback").set_value(150).run()
    assert not at.exception
    assert any("lookback" in e.value.lower() or "window" in e.value.lower() for e in at.error)


def test_diverging_preset_says_diverged(at):
    at.selectbox(key="preset").set_value("diverging_lr").run()
    at.button(key="start_pause").click().run()
    tick_until(at, lambda a: any("diverged" in e.value for e in a.error), max_ticks=60)
    assert not at.exception


def test_learning_rate_changes_mid_run_without_reset(at):
    at.button(key="start_pause").click().run()
    at.run()
    before = _epoch(at)
    at.number_input(key="lr").set_value(0.001).run()
    assert not at.exception
    tr = at.session_state["trainer"]
    assert tr.lr == 0.001 and tr.epoch >= before
    assert tr.history[-1].lr == 0.001 or tr.epoch == before


def test_finished_run_joins_the_leaderboard(at):
    at.slider(key="epochs").set_value(2).run()
    at.button(key="start_pause").click().run()
    tick_until(at, lambda a: len(a.session_state["leaderboard"] if "leaderboard" in a.session_state else []) == 1)
    assert len(at.session_state["leaderboard"]) == 1
    columns = list(at.session_state["leaderboard"][0])
    assert columns[1:4] == ["mae (rnn)", "rmse (rnn)", "mase (rnn)"], "scores first, before the settings"
    assert len(at.dataframe) >= 2


def test_a_new_sequence_opens_with_its_own_settings():
    at = run_page("4_Train.py")
    assert at.session_state["transform"] == "none" and at.session_state["lookback"] == 16
    at.selectbox(key="dataset").set_value("co2").run()
    assert not at.exception and not at.warning, "no note about the link: the settings changed on purpose"
    opened = config.for_dataset("co2")
    assert at.session_state["transform"] == opened.window.transform == "difference"
    assert any("settings for **co2**" in c.value for c in at.caption)
    at.selectbox(key="dataset").set_value("nile").run()
    assert at.session_state["hidden_size"] == 8 and at.session_state["patience"] == 10
    assert at.session_state["trainer"].cfg.window.transform == "mean"


def test_a_link_or_another_page_keeps_its_values_on_first_open():
    at = run_page("4_Train.py", dataset="co2", lookback=30)
    assert at.session_state["lookback"] == 30 and at.session_state["transform"] == "difference"


def test_a_sequence_too_short_to_learn_from_says_so():
    at = run_page("4_Train.py", dataset="collatz")
    assert at.session_state["lookback"] == 3
    assert any("too short to learn from" in w.value and "16 training windows" in w.value for w in at.warning)
    at.selectbox(key="dataset").set_value("sunspots").run()
    assert not any("too short" in w.value for w in at.warning)


def test_the_baselines_include_drift_and_the_better_season():
    at = run_page("4_Train.py", traffic_n=24 * 7 * 5)
    at.slider(key="epochs").set_value(2).run()
    at.button(key="start_pause").click().run()
    tick_until(at, lambda a: a.session_state["trainer"].finished)
    at.run()
    models = [str(i) for i in at.dataframe[0].value.index]
    assert "drift" in models and "seasonal naive" in models
    assert any("seasonal naive" in c.value and "period 168" in c.value for c in at.caption)
