"""AppTest: the Train page trains in ticks, pauses, resets, and shows messages instead of tracebacks."""

import re
from pathlib import Path

import pytest

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
    assert len(at.dataframe) >= 2
