"""Links that reproduce a run, bad link values, exercise links that hide controls, lecture mode."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import ROOT
from ui import classroom


def _open(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_link_reproduces_the_train_settings():
    at = _open("4_Train.py", cell="lstm", hidden_size="48", lr="0.003", seed="7", dataset="sine", mode="multi",
               horizon="4")
    assert at.selectbox(key="cell").value == "lstm"
    assert at.slider(key="hidden_size").value == 48
    assert at.number_input(key="lr").value == pytest.approx(0.003)
    assert at.number_input(key="seed").value == 7
    assert at.selectbox(key="dataset").value == "sine"
    assert at.slider(key="horizon").value == 4
    assert not at.warning.values or all("link" not in w for w in at.warning.values)
    # ...and the page writes the same values back into the URL it shows
    assert at.query_params["cell"] == "lstm" and at.query_params["hidden_size"] == "48"


def test_the_windows_page_reads_its_link_too():
    at = _open("2_Windows.py", mode="seq2seq", lookback="12", horizon="3", scaler="minmax")
    assert (at.selectbox(key="mode").value, at.slider(key="lookback").value) == ("seq2seq", 12)
    assert (at.slider(key="horizon").value, at.selectbox(key="scaler").value) == (3, "minmax")


@pytest.mark.parametrize("key, bad, fallback", [
    ("lookback", "abc", 16), ("epochs", "99999", 60), ("cell", "transformer", "gru"), ("layer_norm", "maybe", False),
])
def test_a_bad_link_value_falls_back_with_a_note(key, bad, fallback):
    at = _open("4_Train.py", **{key: bad})
    assert at.session_state[key] == fallback
    notes = [w for w in at.warning.values if "link set" in w]
    assert len(notes) == 1 and f"`{key}`" in notes[0], at.warning.values


def test_a_link_value_is_shown_safely_in_the_note():
    at = _open("4_Train.py", lookback="<img src=x onerror=alert(1)>`**")
    (note,) = [w for w in at.warning.values if "link set" in w]
    assert "<" not in note and "`**" not in note


def test_the_note_does_not_repeat_on_the_next_run():
    at = _open("4_Train.py", lookback="abc")
    at.run()
    assert not [w for w in at.warning.values if "link set" in w]


def test_hiding_css_only_uses_plain_identifiers():
    css = classroom.hiding_css("cell,</style><script>", "lr, epochs ,x y")
    assert ".st-key-lr" in css and ".st-key-epochs" in css and ":not(.st-key-cell)" in css
    assert "script" not in css and "x y" not in css
    assert classroom.hiding_css(None, None) == ""


def test_an_exercise_link_adds_the_hiding_rules():
    at = _open("4_Train.py", only="cell")
    styles = [h.proto.body for h in at.get("html")]
    assert any(":not(.st-key-cell)" in s for s in styles)


def test_lecture_mode_is_a_switch_in_the_url():
    plain = _open("1_Sequence_data.py")
    assert not any("font-size" in h.proto.body for h in plain.get("html"))
    lecture = _open("1_Sequence_data.py", lecture="true")
    assert lecture.toggle(key="lecture").value is True
    assert any("font-size" in h.proto.body for h in lecture.get("html"))


def test_a_preset_link_sets_every_control_and_explicit_values_win():
    from rnn_core import config

    cfg = config.PRESETS["collatz_raw_relu"]
    at = _open("4_Train.py", preset="collatz_raw_relu", seed="5")
    assert at.selectbox(key="dataset").value == cfg.data.name
    assert at.selectbox(key="cell").value == cfg.model.cell
    assert at.radio(key="activation").value == cfg.model.activation
    assert at.number_input(key="lr").value == pytest.approx(cfg.train.lr)
    assert at.number_input(key="seed").value == 5, "a value in the link beats the preset's"
    assert not [w for w in at.warning.values if "link set" in w]


def test_an_arena_preset_link_sets_its_controls_and_explicit_values_win():
    from rnn_core.forecasting import arena

    p = arena.PRESETS["ar1_arima_wins"]
    at = _open("7_Forecast_arena.py", arena_preset="ar1_arima_wins", epochs="2")
    assert at.selectbox(key="arena_preset").value == "ar1_arima_wins"
    assert at.selectbox(key="dataset").value == p.cfg.data.name
    assert at.session_state["lookback"] == p.cfg.window.lookback
    assert at.multiselect(key="arena_models").value == list(p.spec.models)
    assert at.session_state["epochs"] == 2, "a value in the link beats the preset's"
    assert "ARIMA(1, 0, 0)" in list(at.table[0].value.index)
    assert not [w for w in at.warning.values if "link set" in w]


def test_lecture_mode_folds_the_explanations_and_keeps_them_one_click_away():
    normal = _open("3_Recurrent_layer.py")
    assert not [e for e in normal.expander if e.label == "📖 Explanation"]
    assert any("one small function, the **cell**" in m.value for m in normal.markdown)
    lecture = _open("3_Recurrent_layer.py", lecture="true")
    folded = [e for e in lecture.expander if e.label == "📖 Explanation"]
    assert len(folded) >= 4, "each paragraph of the page's explanation is folded"
    assert any("one small function, the **cell**" in m.value for e in folded for m in e.markdown)
    assert lecture.get("plotly_chart"), "the charts stay on the projected page"


def test_lecture_mode_draws_taller_charts_with_larger_type():
    from tests.apptest_helpers import chart

    normal = chart(_open("1_Sequence_data.py"), "past_future")["layout"]
    lecture = chart(_open("1_Sequence_data.py", lecture="true"), "past_future")["layout"]
    assert lecture["height"] >= 1.25 * normal.get("height", 450)
    assert lecture["font"]["size"] >= 16 > normal.get("font", {}).get("size", 12)


PAGE_FILES = ["app.py", *sorted(p.name for p in (ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_a_non_finite_number_or_a_repeated_key_in_the_link_is_a_note_not_a_crash(page):
    at = AppTest.from_file(str(ROOT / page if page == "app.py" else ROOT / "pages" / page), default_timeout=120)
    for key in ("seed", "text_seed", "transfer_seed", "unroll_seed", "hidden_size", "epochs"):
        at.query_params[key] = "inf"
    at.query_params["lookback"] = ["5", "abc", "12"]
    at.query_params["lr"] = "1e400"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    notes = " ".join(w.value for w in at.warning)
    if page == "4_Train.py":
        assert "`seed` to `inf`" in notes and "`lr` to `1e400`" in notes
        lookback = at.slider(key="lookback").value
        assert f"The link gives `lookback` 3 values; the control uses `{lookback}`" in notes
        assert "cannot take 12" not in notes and at.number_input(key="seed").value == 0


def test_an_exercise_link_hides_sections_left_empty_and_the_try_it_buttons():
    from ui.classroom import hiding_css

    css = hiding_css("cell,lr", None)
    assert '[data-testid="stExpander"]' in css and ":not(:has(.st-key-cell)):not(:has(.st-key-lr))" in css
    assert "st-key-question_try_" in css
    assert "stExpander" not in hiding_css(None, "lr"), "hiding one control leaves the sections alone"
