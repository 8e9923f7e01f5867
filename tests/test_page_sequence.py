"""AppTest: the Sequence data page shows the series, naive forecasts, trends and seasons; bad files are messages."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnn_core import data
from tests.apptest_helpers import chart, plotly_array, run_page

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "1_Sequence_data.py")
CALGARY = ROOT.parent / "shared" / "data" / "calgary_weather.csv"  # beside the checkout, as in CI
# our own export with a real one's traps always; the real Calgary file too where it is present
EXPORTS = [ROOT / "tests" / "fixtures" / "weather_export.csv"] + ([CALGARY] if CALGARY.is_file() else [])


def _app(**state) -> AppTest:
    return run_page("1_Sequence_data.py", **state)


_chart = chart


_array = plotly_array


def _trace(spec: dict, name: str) -> dict:
    """The trace called ``name`` with its x and y as plain lists."""
    found = [t for t in spec["data"] if t.get("name") == name]
    assert found, f"no trace {name!r} in {[t.get('name') for t in spec['data']]}"
    return {**found[0], "x": _array(found[0].get("x", [])), "y": _array(found[0].get("y", []))}


def _adf_text(at) -> str:
    texts = [m.value for m in [*at.success, *at.warning] if "Dickey-Fuller" in m.value]
    assert len(texts) == 1
    return texts[0]


@pytest.fixture(scope="module")
def at():
    return _app(dataset="noisy_trend")


def test_renders_series_forecasts_statistics_and_prompts(at):
    keys = [c.proto.id for c in at.get("plotly_chart")]
    assert [k for k in ("past_future", "rolling", "stl", "acf") if any(i.endswith(k) for i in keys)] == \
        ["past_future", "rolling", "stl", "acf"]
    spec = _chart(at, "past_future")
    names = [t["name"] for t in spec["data"]]
    assert names[:3] == ["past", "future", "today"] and "naive (last value)" in names and "seasonal naive" in names
    # 80% of 1000 values in the past by default, the forecasts cover exactly the future
    assert len(_trace(spec, "past")["y"]) == 800 and len(_trace(spec, "naive (last value)")["y"]) == 200
    table = at.dataframe[0].value
    assert list(table.columns) == ["mae", "rmse", "mase"]
    assert {"naive (last value)", "seasonal naive"} <= set(table.index)
    assert any("length" == m.label and "1,000" in m.value for m in at.metric), "the series' length is shown"
    assert "not stationary" in _adf_text(at), "a trend is not stationary"
    guided = [e for e in at.expander if e.label.startswith(("❓", "💡"))]
    assert len(guided) == 5, "one guided question per lecture question this page answers"
    assert not at.error


def test_changing_the_dataset_changes_the_plotted_series(at):
    before = _trace(_chart(at, "past_future"), "past")["y"]
    at.selectbox(key="dataset").set_value("sunspots").run()
    assert not at.exception
    spec = _chart(at, "past_future")
    after = _trace(spec, "past")["y"]
    assert after != before and "Sunspots" in spec["layout"]["title"]["text"]
    assert isinstance(_trace(spec, "past")["x"][0], str), "a dated series is plotted against its dates"
    at.selectbox(key="dataset").set_value("noisy_trend").run()  # back, for the tests that follow


def test_one_step_ahead_naive_follows_the_truth(at):
    flat = _trace(_chart(at, "past_future"), "naive (last value)")["y"]
    assert len(set(flat)) == 1, "from today the naive forecast is a flat line"
    at.radio(key="forecast_style").set_value("one step ahead").run()
    spec = _chart(at, "past_future")
    stepped = _trace(spec, "naive (last value)")["y"]
    future = _trace(spec, "future")["y"]
    assert stepped[1:] == future[:-1], "one step ahead, naive is the truth shifted by one"
    assert at.dataframe[0].value.loc["naive (last value)", "mae"] < 1
    at.radio(key="forecast_style").set_value("from today").run()


def test_differencing_changes_the_series_and_the_adf_verdict(at):
    assert "not stationary" in _adf_text(at)
    n = len(_trace(_chart(at, "rolling"), "series")["y"])
    at.toggle(key="difference").set_value(True).run()
    assert not at.exception
    verdict = _adf_text(at)
    assert "differenced" in verdict and "Likely stationary" in verdict
    assert len(_trace(_chart(at, "rolling"), "series")["y"]) == n - 1
    at.toggle(key="difference").set_value(False).run()


def test_no_period_means_no_stl_but_a_hint():
    at = _app(dataset="nile")
    assert not any(c.proto.id.endswith("stl") for c in at.get("plotly_chart"))
    assert any("season length" in i.value for i in at.info)
    assert "seasonal naive" not in at.dataframe[0].value.index


def test_a_tiny_series_is_a_message():
    at = _app(dataset="collatz", collatz_start=2)  # 2, 1
    assert any("too few" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_junk_upload_is_an_error_not_an_exception():
    at = _app(dataset="upload", uploaded_csv=("junk.csv", b"\x00\x01garbage"))
    assert at.error, "the bad file is explained"
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_a_messy_weather_export_renders(path):
    content = path.read_bytes()
    expected = data.from_csv(content)  # what the picker's defaults give
    at = _app(dataset="upload", uploaded_csv=(path.name, content))
    assert not at.error
    assert any(m.label == "length" and m.value == f"{len(expected):,} values" for m in at.metric)
    past = _trace(_chart(at, "past_future"), "past")
    today = round(len(expected) * 0.8)
    assert past["y"][0] == expected.values[0] and past["y"][-1] == expected.values[today - 1]
    assert any("oldest first" in i.value for i in at.info), "the file's notes are shown in the page"
    assert any(f"uploaded file {path.name}" in c.value.replace("\\", "") for c in at.caption), "it names the file"
    assert _adf_text(at)
