"""AppTest: the Windows page's table is the lecture's, its widgets change what is shown, errors are messages."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import config
from tests.apptest_helpers import chart, plotly_array, run_page

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "2_Windows.py")
CALGARY = Path("/work/shared/data/calgary_weather.csv")

# Every window on 0..9 with lookback 3, written out by hand; the first row of each is the lecture's.
LECTURE_TABLES = {
    ("next", 1): [("[0, 1, 2]", "[3]"), ("[1, 2, 3]", "[4]"), ("[2, 3, 4]", "[5]"), ("[3, 4, 5]", "[6]"),
                  ("[4, 5, 6]", "[7]"), ("[5, 6, 7]", "[8]"), ("[6, 7, 8]", "[9]")],
    ("multi", 2): [("[0, 1, 2]", "[3, 4]"), ("[1, 2, 3]", "[4, 5]"), ("[2, 3, 4]", "[5, 6]"),
                   ("[3, 4, 5]", "[6, 7]"), ("[4, 5, 6]", "[7, 8]"), ("[5, 6, 7]", "[8, 9]")],
    ("seq2seq", 1): [("[0, 1, 2]", "[1, 2, 3]"), ("[1, 2, 3]", "[2, 3, 4]"), ("[2, 3, 4]", "[3, 4, 5]"),
                     ("[3, 4, 5]", "[4, 5, 6]"), ("[4, 5, 6]", "[5, 6, 7]"), ("[5, 6, 7]", "[6, 7, 8]"),
                     ("[6, 7, 8]", "[7, 8, 9]")],
    ("seq2seq", 2): [("[0, 1, 2]", "[[1, 2], [2, 3], [3, 4]]"), ("[1, 2, 3]", "[[2, 3], [3, 4], [4, 5]]"),
                     ("[2, 3, 4]", "[[3, 4], [4, 5], [5, 6]]"), ("[3, 4, 5]", "[[4, 5], [5, 6], [6, 7]]"),
                     ("[4, 5, 6]", "[[5, 6], [6, 7], [7, 8]]"), ("[5, 6, 7]", "[[6, 7], [7, 8], [8, 9]]")],
    ("seq2seq", 3): [("[0, 1, 2]", "[[1, 2, 3], [2, 3, 4], [3, 4, 5]]"),
                     ("[1, 2, 3]", "[[2, 3, 4], [3, 4, 5], [4, 5, 6]]"),
                     ("[2, 3, 4]", "[[3, 4, 5], [4, 5, 6], [5, 6, 7]]"),
                     ("[3, 4, 5]", "[[4, 5, 6], [5, 6, 7], [6, 7, 8]]"),
                     ("[4, 5, 6]", "[[5, 6, 7], [6, 7, 8], [7, 8, 9]]")],
}


def _app(**state) -> AppTest:
    return run_page("2_Windows.py", **state)


_chart = chart


_array = plotly_array


def _xs(spec: dict, name: str) -> list:
    return [_array(t["x"]) for t in spec["data"] if t.get("name") == name][0]


def _rows(at) -> list:
    table = at.dataframe[0].value
    return list(zip(table["input"], table["target"]))


@pytest.fixture(scope="module")
def at():
    return _app(dataset="noisy_trend")


def test_renders_table_window_split_and_scaler(at):
    assert not at.error
    keys = [c.proto.id for c in at.get("plotly_chart")]
    for key in ("window_chart", "supervision_chart", "split_chart", "hist_chart"):
        assert any(k.endswith(key) for k in keys), key
    assert len(at.dataframe[0].value) == 10 and list(at.dataframe[0].value.columns) == ["window", "input", "target"]
    counts = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert counts["training windows"] > counts["validation windows"] > 0 and counts["test windows"] > 0
    fitted = [i.value for i in at.info if "training part only" in i.value]
    assert fitted and "standard: mean" in fitted[0], "the scaler's fitted numbers are shown"


def test_shared_widgets_match_the_train_page(at):
    lookback, mode, scaler = at.slider(key="lookback"), at.selectbox(key="mode"), at.selectbox(key="scaler")
    default = config.PRESETS["default"].window  # what the Train page starts from too
    assert (lookback.min, lookback.max, lookback.value) == (1, 200, default.lookback)
    assert list(mode.options) == list(config.MODES)  # the URL and the code use the same names
    assert list(scaler.options) == ["none", "minmax", "standard"] and scaler.value == default.scaler
    with pytest.raises(KeyError):
        at.slider(key="horizon")  # only for modes with more than one target


def test_changing_lookback_changes_the_table(at):
    first = at.dataframe[0].value["input"][0]
    at.slider(key="lookback").set_value(5).run()
    changed = at.dataframe[0].value["input"][0]
    assert changed != first and changed.count(",") == 4, "five values per input"
    assert _xs(_chart(at, "window_chart"), "inputs") == [0, 1, 2, 3, 4]


def test_window_slider_moves_the_highlight(at):
    at.slider(key="lookback").set_value(5).run()
    slider = [s for s in at.slider if s.key.startswith("window_index")][0]
    slider.set_value(7).run()
    spec = _chart(at, "window_chart")
    assert _xs(spec, "inputs") == [7, 8, 9, 10, 11] and _xs(spec, "targets") == [12]


def _scaled_bins(at, part: str = "training") -> list:
    """Centres of the non-empty bins of one part's histogram after scaling (right panel)."""
    bars = [t for t in _chart(at, "hist_chart")["data"] if t.get("xaxis") == "x2" and t["name"] == part]
    return [x for x, count in zip(_array(bars[0]["x"]), _array(bars[0]["y"])) if count > 0]


def test_scaler_changes_the_histogram_and_description(at):
    at.selectbox(key="scaler").set_value("minmax").run()
    assert any("minmax: min" in i.value for i in at.info)
    centres = _scaled_bins(at)
    assert min(centres) > -0.05 and max(centres) < 1.05, "min-max maps the training part into [0, 1]"
    assert max(_scaled_bins(at, "test")) > 1.2, "a rising series' test part goes beyond the training range"
    at.selectbox(key="scaler").set_value("standard").run()
    assert any("standard: mean" in i.value for i in at.info)
    assert min(_scaled_bins(at)) < -1


@pytest.mark.parametrize("mode,horizon", list(LECTURE_TABLES))
def test_lecture_example_matches_the_lecture_row_for_row(mode, horizon):
    state = {"lecture_example": True, "mode": mode}
    if mode != "next":
        state["horizon"] = horizon
    at = _app(**state)
    assert _rows(at) == LECTURE_TABLES[(mode, horizon)]
    assert any("the same" in s.value for s in at.success)
    assert not at.error, "split and scaling still use the picked series, which is long enough"
    assert any(c.proto.id.endswith("split_chart") for c in at.get("plotly_chart"))


def test_seq2seq_supervises_every_step_next_only_the_last():
    at = _app(lecture_example=True, mode="seq2seq", horizon=2)
    heat = _chart(at, "supervision_chart")["data"][0]
    assert heat["text"] == [["1", "2"], ["2", "3"], ["3", "4"]]
    at.selectbox(key="mode").set_value("next").run()
    assert _chart(at, "supervision_chart")["data"][0]["text"] == [[""], [""], ["3"]]


def test_too_long_lookback_is_an_error_message():
    at = _app(dataset="collatz", lookback=100)
    assert any("too short" in e.value and "lookback" in e.value.lower() for e in at.error)
    assert not at.dataframe


def test_junk_upload_is_an_error_not_an_exception():
    at = _app(dataset="upload", uploaded_csv=("junk.csv", b"\x00\x01garbage"))
    assert at.error
    assert not at.dataframe


def test_real_messy_calgary_file_renders():
    at = _app(dataset="upload", uploaded_csv=("calgary_weather.csv", CALGARY.read_bytes()))
    assert not at.error
    assert len(at.dataframe[0].value) == 10
    assert any(k.proto.id.endswith("split_chart") for k in at.get("plotly_chart"))


def _preparations(at):
    return next(df.value for df in at.dataframe if "preparation" in df.value.columns)


def test_the_preparation_table_counts_test_values_beyond_the_training_range():
    at = _app(dataset="noisy_trend")
    table = _preparations(at)
    assert list(table["preparation"])[:4] == [config.TRANSFORM_LABELS[t] for t in ("none", "difference", "last", "mean")]
    assert table["preparation"].iloc[4].startswith("seasonal differencing (season ")
    assert table.iloc[0, 1].startswith("139 of 150 (93%)"), "the values as they are climb out of the range"
    assert table.iloc[1, 1].startswith("0 of 150")
    assert any("93%" in w.value for w in at.warning)
    at.selectbox(key="transform").set_value("difference").run()
    assert not at.exception and not at.warning
    assert any("0%" in s.value for s in at.success)
    assert at.session_state["transform"] == "difference", "shared with the Train page"


def test_a_series_without_a_season_is_not_offered_seasonal_differencing():
    at = _app(dataset="traffic", transform="seasonal")
    assert at.selectbox(key="period").options == ["24", "168"]
    at.selectbox(key="dataset").set_value("nile").run()
    assert not at.exception
    assert "seasonal" not in at.selectbox(key="transform").options
    assert at.session_state["transform"] == "none"
    assert not any("season" in p for p in _preparations(at)["preparation"])


def test_the_four_task_shapes_are_drawn_from_the_lecture_example(at):
    fig = chart(at, "shapes_chart")
    titles = [a["text"] for a in fig["layout"]["annotations"] if "→" in a.get("text", "")]
    assert [t.split("  ")[0] for t in titles] == ["sequence → vector", "sequence → sequence",
                                                   "vector → sequence", "encoder → decoder"]
    assert "window mode: seq2seq" in titles[1] and "not trained in this app" in titles[3]
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert "3,4,5" in texts and texts.count("dec") == 3
    at.slider(key="shapes_horizon").set_value(1).run()
    assert not at.exception
    titles = [a["text"] for a in chart(at, "shapes_chart")["layout"]["annotations"] if "→" in a.get("text", "")]
    assert "window mode: next" in titles[0]
