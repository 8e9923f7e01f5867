"""AppTest: the Forecast arena scores every model, follows the dataset and model choices, never crashes."""

import re

import numpy as np
import pytest

from rnn_core import config, data
from rnn_core.forecasting import arena
from rnn_core.training.trainer import Trainer
from tests.apptest_helpers import chart, plotly_array, run_page

PAGE = "7_Forecast_arena.py"
QUICK = {"dataset": "ar1", "epochs": 2, "arena_models": ["naive", "drift", "arima", "gru"]}


def _table(at):
    return at.table[0].value  # the scoreboard: a static table, readable in the browser too


def _rows(at) -> list[str]:
    return [str(i) for i in _table(at).index]


def test_default_page_scores_every_model_and_draws_the_charts():
    at = run_page(PAGE, epochs=3, traffic_n=504)  # the default dataset, three weeks of it: quicker
    rows = _rows(at)
    assert rows[:3] == ["naive (last value)", "seasonal naive", "drift"]
    assert rows[3].startswith("ARIMA(") and rows[4:] == ["Feed-forward (MLP)", "GRU"]
    names = [t["name"] for t in chart(at, "arena_forecast")["data"]]
    assert names[0] == "truth" and any(n.endswith("95% interval") for n in names)
    assert len(chart(at, "arena_horizon")["data"]) == 6
    assert chart(at, "arena_resid_arima")["data"][0]["type"] == "bar"
    assert any("ADF test" in s.value for s in [*at.warning, *at.success])


def test_switching_dataset_and_models_updates_the_table():
    at = run_page(PAGE, **QUICK, logistic_n=300)
    assert _rows(at)[2] == "ARIMA(1, 0, 0)"
    before = _table(at).copy()
    at.selectbox(key="dataset").set_value("logistic").run()
    assert not at.exception
    after = _table(at)
    assert list(after.index)[:2] == list(before.index)[:2]
    assert not np.allclose(after["mae"].to_numpy()[:2], before["mae"].to_numpy()[:2])
    at.multiselect(key="arena_models").set_value(["naive", "mlp"]).run()
    assert not at.exception
    assert _rows(at) == ["naive (last value)", "Feed-forward (MLP)"]
    assert len(chart(at, "arena_horizon")["data"]) == 2


def test_ar1_preset_shows_arima_beating_the_briefly_trained_gru():
    at = run_page(PAGE, **QUICK)
    at.selectbox(key="arena_preset").set_value("ar1_arima_wins").run()
    assert not at.exception
    table = _table(at)
    assert list(table.index) == ["naive (last value)", "drift", "ARIMA(1, 0, 0)", "GRU"]
    assert table.loc["ARIMA(1, 0, 0)", "mae"] < table.loc["GRU", "mae"]
    assert any("exactly the linear model" in c.value for c in at.caption)


def test_my_order_replaces_the_search():
    at = run_page(PAGE, **QUICK)
    at.radio(key="arena_order").set_value("my order").run()
    at.number_input(key="arena_p").set_value(2).run()
    assert not at.exception
    assert "ARIMA(2, 0, 0)" in _rows(at)


def test_the_fitted_arma_equation_is_shown_and_worked_by_hand():
    at = run_page(PAGE, **QUICK)
    at.radio(key="arena_order").set_value("my order").run()
    at.number_input(key="arena_p").set_value(2).run()
    assert not at.exception
    equations = [m.value for m in at.latex]
    assert any(r"\hat{y}_t = " in e and "y_{t-2}" in e and "- -" not in e for e in equations)
    worked = next(c.value for c in at.caption if "Worked by hand" in c.value)
    assert "α₂ = `ar.L2`" in worked and "μ = `const`" in worked
    by_hand, own = (float(x) for x in re.findall(r"is (-?[\d.e+-]+)[;.]", worked)[-2:])
    assert by_hand == pytest.approx(own, rel=1e-5)


def test_a_lookback_longer_than_the_series_is_a_message():
    at = run_page(PAGE, **QUICK)
    at.selectbox(key="dataset").set_value("collatz").run()
    at.slider(key="lookback").set_value(150).run()
    assert not at.exception
    assert at.error and any("lookback" in e.value.lower() for e in at.error)


def test_rolling_origin_and_the_three_strategies_appear_when_asked():
    at = run_page(PAGE, **QUICK, horizon=3, arena_folds=2)
    at.toggle(key="arena_rolling").set_value(True).run()
    assert not at.exception
    boxes = chart(at, "arena_rolling_chart")["data"]
    assert [b["type"] for b in boxes] == ["box"] * 4
    at.toggle(key="arena_multistep").set_value(True).run()
    assert not at.exception
    lines = chart(at, "arena_strategies")["data"]
    assert len(lines) == 3 and all(len(plotly_array(t["y"])) == 3 for t in lines)  # one MAE per forecast step


@pytest.mark.parametrize("mode", ["multi", "seq2seq"])
def test_a_finished_train_page_run_with_the_same_settings_is_reused(mode):
    params = (("n", 500), ("phi", 0.8), ("seed", 0))
    cfg = config.PRESETS["default"].replace(data=config.DataConfig("ar1", params), train={"epochs": 2},
                                            window={"lookback": 16, "horizon": 5, "mode": mode})
    tr = Trainer(cfg, data.load("ar1", **dict(params)))
    tr.run()
    at = run_page(PAGE, **QUICK, trainer=tr)
    assert any("reused your finished run" in c.value for c in at.caption)
    part = arena.reuse(tr, arena.network_config(cfg, "gru"), tr.values)
    assert part is not None and part.reused


def test_the_window_preparation_and_the_season_are_offered():
    at = run_page(PAGE, epochs=2, traffic_n=504, arena_models=["naive", "seasonal_naive", "gru"])
    assert at.selectbox(key="arena_season").options[1:] == ["24", "168"]
    assert any("seasonal naive" in c.value and "the better season" in c.value for c in at.caption)
    before = _table(at).loc["GRU", "mae"]
    at.selectbox(key="transform").set_value("difference").run()
    assert not at.exception
    assert _table(at).loc["GRU", "mae"] != before, "the network trains on the changes now"
    at.selectbox(key="arena_season").set_value(24).run()
    assert not at.exception and not any("the better season" in c.value for c in at.caption)


def test_a_preset_link_logs_no_session_state_warning(monkeypatch):
    from streamlit.elements.lib import policies
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ROOT

    logged = []
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # Streamlit logs it once per process
    monkeypatch.setattr(policies._LOGGER, "warning", lambda msg, *args, **kw: logged.append(msg % args))
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=90)
    at.query_params["arena_preset"], at.query_params["epochs"] = "ar1_arima_wins", "2"
    at.run()
    assert not at.exception
    assert not [m for m in logged if "Session State API" in m], logged
