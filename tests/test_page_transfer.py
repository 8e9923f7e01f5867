"""AppTest: the Transfer learning page pretrains once, shows the plan, races live, sweeps data sizes,
compares hidden states, and turns bad settings into messages instead of tracebacks."""

import re

import pytest

from tests.apptest_helpers import chart, run_page, tick_until
from ui import transfer_views as views

PAGE = "8_Transfer_learning.py"
SMALL = {"transfer_hidden_size": 8, "transfer_pretrain_epochs": 1, "transfer_epochs": 5}


def _progress(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def _race_epoch(at) -> int:
    return int(re.search(r"Epoch (\d+) of", _progress(at)[0]).group(1))


@pytest.fixture
def at():
    return run_page(PAGE, **SMALL)


def test_renders_every_section_and_pretrains_once(at):
    for key in ("transfer_pretrain_chart", "transfer_race_chart", "transfer_sweep_chart", "transfer_hidden_chart",
                "transfer_similarity_chart"):
        assert chart(at, key)["data"] is not None
    assert at.dataframe[0].value.index.tolist() == ["layer 1", "layer 2", "head"]
    store = at.session_state[views.PRETRAINED]
    assert len(store) == 1
    pre = next(iter(store.values()))
    at.select_slider(key="transfer_lr").set_value(0.003).run()  # fine-tuning settings do not pretrain again
    assert next(iter(at.session_state[views.PRETRAINED].values())) is pre
    assert any("first layers" in e.label for e in at.expander), "the guided question on early layers"
    assert not at.exception


def test_the_plan_widgets_change_the_plan_table(at):
    table = at.dataframe[0].value
    assert table.loc["layer 1", "trained on the target"] == "no"
    at.selectbox(key="transfer_layer_0").set_value("retrain").run()
    at.toggle(key="transfer_new_head").set_value(False).run()
    table = at.dataframe[0].value
    assert table.loc["layer 1", "what happens"].startswith("fresh") and table.loc["layer 1", "trained on the target"] == "yes"
    assert table.loc["head", "what happens"] == "copied, fine-tuned"
    at.slider(key="transfer_num_layers").set_value(3).run()
    assert len(at.dataframe[0].value) == 4 and at.selectbox(key="transfer_layer_2") is not None
    assert not at.exception


def test_the_race_ticks_pauses_finishes_with_scores_and_resets(at):
    assert _race_epoch(at) == 0
    at.button(key="start_pause_transfer_race").click().run()
    first = _race_epoch(at)
    assert first >= 1
    tick_until(at, lambda a: a.session_state[views.RACE].finished)
    at.run()  # the page rerun that a finished race asks for
    assert _race_epoch(at) == SMALL["transfer_epochs"]
    race = at.session_state[views.RACE]
    assert race.finished and len(race.curves()["scratch"][0]) == SMALL["transfer_epochs"] + 1
    lines = [t for t in chart(at, "transfer_race_chart")["data"] if t.get("showlegend") is not False]
    assert len(lines) == 3
    scores = at.dataframe[1].value
    assert scores.index.tolist()[0] == "from scratch" and "naive" in scores.index[-1]
    similarity = chart(at, "transfer_similarity_chart")["data"]
    assert len(similarity) == 2, "after the race, each layer is compared with the from-scratch network"
    at.slider(key="transfer_num_layers").set_value(3).run()  # a new network: the old race is kept, and said so
    assert not at.exception and any("Reset" in w.value for w in at.warning)
    assert not chart(at, "transfer_similarity_chart")["data"], "no comparison across different networks"
    at.button(key="reset_transfer_race").click().run()
    assert _race_epoch(at) == 0 and not at.exception


def test_the_sweep_runs_in_ticks_without_restarting_on_race_settings(at):
    at.button(key="start_pause_transfer_sweep").click().run()
    at.run()
    sweep = at.session_state[views.SWEEP]
    assert sweep.epoch > 0 and "data sizes done" in _progress(at)[1]
    at.select_slider(key="transfer_n_train").set_value(12).run()  # the race's data size: not the sweep's
    assert at.session_state[views.SWEEP] is sweep
    assert not at.exception


def test_same_source_and_target_series_is_a_warning():
    at = run_page(PAGE, **SMALL, transfer_source="traffic", traffic_seed=1)
    assert any("very same series" in w.value for w in at.warning)


def test_a_lookback_too_long_for_the_target_is_a_message_not_a_traceback():
    at = run_page(PAGE, **SMALL, dataset="sine", sine_n=40, transfer_lookback=64)
    assert not at.exception
    assert any("lookback" in e.value.lower() for e in at.error)
