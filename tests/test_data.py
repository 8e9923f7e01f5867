"""rnn_core.data: built-in datasets, parameter checks and CSV uploads (real and hostile)."""

import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn_core import data
from rnn_core.data import catalog
from rnn_core.errors import DataError

CALGARY = Path(__file__).resolve().parents[2] / "shared" / "data" / "calgary_weather.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def assert_valid(s: data.Series) -> None:
    assert isinstance(s, data.Series)
    assert s.values.dtype == np.float64 and s.values.ndim == 1
    assert np.isfinite(s.values).all()
    assert isinstance(s.index, (pd.DatetimeIndex, pd.RangeIndex))
    assert len(s.index) == len(s.values) == len(s)
    if isinstance(s.index, pd.DatetimeIndex):
        assert s.index.is_monotonic_increasing and s.index.is_unique


def csv_bytes(rows) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode() + b"\n"


# ---------------------------------------------------------------- datasets


def test_required_datasets_are_registered():
    required = {"collatz", "noisy_trend", "sine", "traffic", "co2", "sunspots", "nile", "ar1", "logistic"}
    assert required <= set(data.DATASETS)
    assert {n for n, spec in data.DATASETS.items() if spec.real} == {"co2", "sunspots", "nile"}


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_dataset_loads_with_defaults_and_is_deterministic(name):
    s = data.load(name)
    assert_valid(s)
    assert len(s) > 20
    assert s.name and s.description and s.source
    again = data.load(name, **data.DATASETS[name].defaults)
    np.testing.assert_array_equal(s.values, again.values)
    assert s.index.equals(again.index)
    if s.period is not None:
        assert s.period in s.periods and 2 <= s.period < len(s)


def test_seeds_change_random_datasets_and_only_them():
    for name in ("noisy_trend", "traffic", "ar1"):
        assert not np.array_equal(data.load(name, seed=1).values, data.load(name, seed=2).values)


def test_collatz_from_67_follows_the_rule_and_stops_at_1():
    s = data.load("collatz", start=67)
    assert s.values[:3].tolist() == [67.0, 202.0, 101.0]
    assert s.values[-1] == 1.0 and 1.0 not in s.values[:-1]
    for a, b in zip(s.values[:-1].astype(int), s.values[1:].astype(int), strict=True):
        assert b == (a // 2 if a % 2 == 0 else 3 * a + 1)
    assert s.period is None and s.unit == ""


@pytest.mark.parametrize("start", [10**12, 10**12 - 1])
def test_collatz_huge_start_is_exact(start):
    s = data.load("collatz", start=start)
    step = start // 2 if start % 2 == 0 else 3 * start + 1
    assert s.values[0] == float(start) and int(s.values[1]) == step
    assert s.values[-1] == 1.0


def test_noisy_trend_is_the_course_formula():
    s = data.load("noisy_trend", n=200, noise=0.0)
    expected = np.sin(np.linspace(0, 100, 200)) + 0.5 * np.linspace(0, 20, 200)
    np.testing.assert_allclose(s.values, expected)
    assert data.load("noisy_trend").period == round(2 * np.pi * 999 / 100)


def test_sine_period_and_traffic_shape():
    s = data.load("sine", n=100, period=20)
    np.testing.assert_allclose(s.values[:20], s.values[20:40], atol=1e-12)
    assert s.period == 20
    t = data.load("traffic")
    assert t.period == 24 and t.periods == (24, 168) and t.unit == "vehicles/hour"
    assert t.index[0] == pd.Timestamp("2024-01-01 00:00") and t.index[0].day_of_week == 0
    frame = pd.Series(t.values, index=t.index)
    weekday = frame[frame.index.day_of_week < 5]
    weekend = frame[frame.index.day_of_week >= 5]
    by_hour = weekday.groupby(weekday.index.hour).mean()
    assert 4000 < by_hour[8] < 6500 and 4000 < by_hour[17] < 6500 and by_hour[3] < 300
    assert 1500 < weekend.groupby(weekend.index.hour).mean().max() < 2800
    assert "synthetic" in t.source


def test_real_series_are_clean_and_dated():
    co2 = data.load("co2")
    assert co2.unit == "ppm" and co2.period == 52 and any("missing" in n for n in co2.notes)
    sun = data.load("sunspots")
    assert sun.period == 11 and sun.index[0] == pd.Timestamp("1700-01-01")
    nile = data.load("nile")
    assert nile.unit == "10^8 m^3" and nile.period is None and len(nile) == 100


def test_ar1_and_logistic_follow_their_equations():
    x = data.load("logistic", n=50, r=3.9, x0=0.2).values
    np.testing.assert_allclose(x[1:], 3.9 * x[:-1] * (1 - x[:-1]))
    a = data.load("ar1", n=5000, phi=0.8, seed=3).values
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1] - 0.8) < 0.05


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("nope", {}, "Unknown dataset"),
        ("collatz", {"begin": 5}, "no parameter 'begin'"),
        ("collatz", {"start": 0}, "between 1 and 1,000,000,000,000"),
        ("collatz", {"start": 10**12 + 1}, "between 1 and"),
        ("collatz", {"start": 6.5}, "whole number"),
        ("collatz", {"start": "6.5"}, "whole number"),
        ("collatz", {"start": "abc"}, "whole number"),
        ("collatz", {"start": True}, "whole number"),
        ("sine", {"noise": float("nan")}, "a number between"),
        ("sine", {"noise": -1.0}, "between 0 and 100"),
        ("sine", {"n": 10**9}, "between 20 and"),
        ("co2", {"n": 5}, "takes no parameters"),
    ],
)
def test_bad_names_and_params_raise_data_error(name, params, match):
    with pytest.raises(DataError, match=match):
        data.load(name, **params)


def test_url_style_values_are_coerced_when_exact():
    assert data.load("collatz", start="67").values[0] == 67
    assert data.load("collatz", start=67.0).values[0] == 67
    assert data.load("collatz", start=np.int64(67)).values[0] == 67
    assert len(data.load("sine", n="120", noise="0.1")) == 120


def test_series_checks_its_invariants():
    with pytest.raises(DataError):
        data.Series(np.array([1.0, np.nan]), pd.RangeIndex(2), "x")
    with pytest.raises(DataError):
        data.Series(np.ones(3), pd.RangeIndex(4), "x")
    s = data.Series([1, 2, 3], None, "x")
    assert s.values.dtype == np.float64 and list(s.to_frame().columns) == ["step", "value"]
    assert list(data.load("traffic").to_frame().columns) == ["time", "value"]


# ---------------------------------------------------------------- weather exports

@dataclass(frozen=True)
class Export:
    """A weather station's CSV export and what reading it must give."""

    path: Path
    rows: int
    columns: int
    last_utc: str  # the newest row's local time, in UTC
    mostly_empty: str


# Our own small export with a real one's traps (tests/fixtures/make_weather_export.py), always;
# the real Calgary file too where it lies beside the checkout (as in CI).
EXPORTS = [Export(FIXTURES / "weather_export.csv", 240, 10, "2023-11-10 05:00", "humidex")]
if CALGARY.is_file():
    EXPORTS.append(Export(CALGARY, 10_000, 21, "2024-03-03 20:00", "humidex"))


@pytest.fixture(scope="module", params=EXPORTS, ids=lambda e: e.path.name)
def export(request):
    return request.param


def test_export_default_is_chronological_hourly_and_not_unixtime(export):
    info = data.inspect_csv(export.path)
    s = data.from_csv(export.path)
    assert_valid(s)
    assert len(s) == export.rows
    assert isinstance(s.index, pd.DatetimeIndex) and s.index.is_monotonic_increasing and s.index.is_unique
    assert s.name == info.default_value_column == "temperature"  # what a weather file is opened for
    assert s.name != "unixtime" and s.values.max() < 200  # not unix seconds (~1.7e9)
    assert any("oldest first" in n for n in s.notes)
    assert s.period == 24
    assert s.index[-1] == pd.Timestamp(export.last_utc)
    assert pd.Series(s.index).diff().iloc[1:].min() > pd.Timedelta(0), "no hour twice where the clocks go back"


def test_the_hour_repeated_when_daylight_saving_ends_is_two_hours():
    s = data.from_csv(FIXTURES / "weather_export.csv", value_column="temperature")
    # 01:00 MDT is 07:00 UTC and 01:00 MST, an hour later, is 08:00 UTC: both kept, in order
    assert pd.Timestamp("2023-11-05 07:00") in s.index and pd.Timestamp("2023-11-05 08:00") in s.index
    assert not any("duplicate" in n.lower() for n in s.notes)
    assert (pd.Series(s.index).diff().iloc[1:] == pd.Timedelta(hours=1)).all(), "hourly, no hole and no repeat"


def test_export_temperature_gap_is_filled_and_said(export):
    s = data.from_csv(export.path, value_column="temperature")
    assert_valid(s)
    assert len(s) == export.rows
    assert any("Filled 1 missing" in n for n in s.notes)
    by_unix = data.from_csv(export.path, value_column="temperature", time_column="unixtime")
    assert by_unix.index.equals(s.index)
    np.testing.assert_array_equal(by_unix.values, s.values)


def test_export_column_pickers(export):
    info = data.inspect_csv(export.path)
    assert info.n_rows == export.rows and len(info.columns) == export.columns
    assert "temperature" in info.numeric_columns
    for col in ("wind_dir", "solar_radiation", "unixtime", "date_time_local"):
        assert col not in info.numeric_columns
    assert {"date_time_local", "unixtime"} <= set(info.time_columns)
    assert info.default_time_column in info.time_columns


def test_export_via_an_upload_buffer_read_twice(export):
    upload = io.BytesIO(export.path.read_bytes())
    upload.name = export.path.name
    info = data.inspect_csv(upload)
    s = data.from_csv(upload, value_column=info.numeric_columns[0])
    assert len(s) == export.rows and export.path.name in s.source


@pytest.mark.parametrize("column, match", [("wind_dir", "text"), ("solar_radiation", "empty"), ("nope", "no column")])
def test_export_bad_value_columns(export, column, match):
    with pytest.raises(DataError, match=match):
        data.from_csv(export.path, value_column=column)


def test_export_mostly_empty_column_keeps_a_stretch_and_says_so(export):
    s = data.from_csv(export.path, value_column=export.mostly_empty)
    assert_valid(s)
    assert 10 <= len(s) < export.rows
    assert any("Gaps longer" in n for n in s.notes)


def test_the_fixture_is_what_its_script_writes(tmp_path):
    from tests.fixtures import make_weather_export

    make_weather_export.main(tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (FIXTURES / "weather_export.csv").read_bytes()


# ---------------------------------------------------------------- small CSV behaviours


def test_timezone_abbreviations_duplicates_and_sorting():
    rows = [["when", "v"]]
    rows += [[f"2024-07-01 {h:02d}:00:00 MDT", h] for h in range(12, 0, -1)]
    rows.append(["2024-07-01 05:00:00 MDT", 7])  # a duplicate of 5h (value 5): mean 6
    s = data.from_csv(csv_bytes(rows))
    assert s.index[0] == pd.Timestamp("2024-07-01 07:00")  # 01:00 MDT = 07:00 UTC
    assert s.values.tolist() == [1, 2, 3, 4, 6, 6, 7, 8, 9, 10, 11, 12]
    assert any("duplicate" in n for n in s.notes) and any("Sorted rows" in n for n in s.notes)


def test_gaps_are_interpolated_and_edges_dropped():
    vals = ["", "", "1", "2", "", "", "5", "6", "7", "8", "9", "10", "11", "12", ""]
    s = data.from_csv(csv_bytes([["x"]] + [[v] for v in vals]))
    assert s.values.tolist() == list(range(1, 13))
    assert any("Filled 2 missing" in n for n in s.notes) and any("Dropped 3" in n for n in s.notes)


def test_row_order_kept_without_time_and_constant_noted():
    s = data.from_csv(csv_bytes([["a"]] + [[3]] * 12))
    assert isinstance(s.index, pd.RangeIndex) and any("All values are equal" in n for n in s.notes)
    rows = [["day", "v"]] + [[f"2024-01-{d:02d}", d] for d in range(12, 0, -1)]
    assert data.from_csv(csv_bytes(rows), time_column=False).values[0] == 12


def test_separators_thousands_units_and_encodings():
    s = data.from_csv(b"a;b\n" + b"".join(b"%d;3,%d\n" % (i, i) for i in range(12)), value_column="b")
    assert s.values[:2].tolist() == [3.0, 3.1]
    s = data.from_csv(b"x (\xc2\xb0C)\n" + b"".join(b'"1,%03d.5"\n' % i for i in range(12)))
    assert s.values[0] == 1000.5 and s.unit == "°C"
    s = data.from_csv("caf\xe9\n".encode("latin-1") + b"".join(b" %d \n" % i for i in range(12)))
    assert s.name == "café" and any("Latin-1" in n for n in s.notes)
    assert len(data.from_csv(b"".join(b"%d\n" % i for i in range(12)))) == 12  # no header line


def test_unix_seconds_and_years_are_time_not_values():
    rows = [["unixtime", "load"]] + [[1_700_000_000 + 3600 * i, i % 5] for i in range(30)]
    info = data.inspect_csv(csv_bytes(rows))
    assert info.time_columns == ("unixtime",) and info.numeric_columns == ("load",)
    s = data.from_csv(csv_bytes(rows))
    assert s.name == "load" and s.index[0] == pd.Timestamp(1_700_000_000, unit="s")
    years = [["Year", "flow"]] + [[1900 + i, i * 2] for i in range(15)]
    assert data.from_csv(csv_bytes(years)).index[0] == pd.Timestamp("1900-01-01")


def test_common_export_formats():
    exported = pd.DataFrame({"sales": np.arange(30.0) * 2}).to_csv().encode()  # pandas writes its row numbers
    info = data.inspect_csv(exported)
    assert info.default_value_column == "sales" and data.from_csv(exported).values[1] == 2.0
    day_first = "Date,v\n" + "".join(f"{d}/3/2023,{d}\n" for d in range(1, 29))
    s = data.from_csv(day_first.encode())
    assert s.index[12] == pd.Timestamp("2023-03-13") and s.period == 7
    millis = "ts,v\n" + "".join(f"{1_700_000_000_000 + 60_000 * i},{i % 7}\n" for i in range(20))
    assert data.from_csv(millis.encode()).name == "v"
    utf16 = ("when,v\n" + "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 20))).encode("utf-16")
    assert data.from_csv(utf16).values[:3].tolist() == [1, 2, 3]


def test_period_hint_from_the_time_step_and_uneven_steps_noted():
    months = pd.date_range("2000-01-01", periods=60, freq="MS")
    s = data.from_csv(("month,v\n" + "".join(f"{d:%Y-%m-%d},{i}\n" for i, d in enumerate(months))).encode())
    assert s.period == 12 and s.notes == ()
    ragged = "when,v\n" + "".join(f"2024-01-{d:02d} 0{h}:{m:02d},{d}\n" for d in range(1, 9) for h in range(3)
                                  for m in (0, 7, 30))
    s = data.from_csv(ragged.encode())
    assert s.period is None and any("uneven" in n for n in s.notes)


def test_long_uploads_keep_the_most_recent_points(monkeypatch):
    monkeypatch.setattr(catalog, "MAX_SERIES_LENGTH", 20)  # the app's cap, as from_csv reads it
    s = data.from_csv(csv_bytes([["x"]] + [[i] for i in range(50)]))
    assert s.values.tolist() == list(range(30, 50)) and any("most recent" in n for n in s.notes)


def test_string_path_and_text_buffer(tmp_path):
    path = tmp_path / "series.csv"
    path.write_bytes(csv_bytes([["x"]] + [[i] for i in range(12)]))
    assert len(data.from_csv(str(path))) == 12
    assert len(data.from_csv(io.StringIO(path.read_text()))) == 12


@pytest.mark.parametrize(
    "raw, kwargs, match",
    [
        (b"", {}, "empty"),
        (b"a,b,c\n", {}, "no data rows"),
        (b"name,colour\n" + b"x,red\n" * 20, {}, "No column holds numbers"),
        (b"x\n1\n2\n3\n", {}, "only 3 usable"),
        (bytes(np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8)), {}, "binary|text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, {}, "PNG"),
        (b"a,b\n1,2\n\x00\x00\x00,3\n", {}, "NUL"),
        (b"PK\x03\x04rest", {}, "Excel"),
        (b"x\n" + b"1\n" * 100, {"max_bytes": 50}, "limit"),
        (b"x,y\n" + b"1,2\n" * 20, {"value_column": "z"}, "no column 'z'"),
        (b"x,y\n" + b"1,\n" * 20, {"value_column": "y"}, "empty"),
        (b"t,y\n" + b"soon,2\n" * 20, {"time_column": "t"}, "dates or times"),
        (b"t,y\n" + b"1,2\n" * 20, {"time_column": "nope"}, "no column 'nope'"),
        (b'a,b\n1,2\n3,4,5,6\n' + b"1,2\n" * 20, {}, "malformed"),
        (b"x\n" + b"1e308\n-1e308\n" * 10, {}, "Rescale the column"),  # finite, but squares overflow
    ],
)
def test_bad_inputs_raise_data_error(raw, kwargs, match):
    if match is None:
        assert_valid(data.from_csv(raw, **kwargs))
        return
    with pytest.raises(DataError, match=match):
        data.from_csv(raw, **kwargs)


def test_missing_file_and_wrong_type():
    with pytest.raises(DataError):
        data.from_csv("/nonexistent/file.csv")
    with pytest.raises(DataError):
        data.from_csv(12345)


# ---------------------------------------------------------------- anything at all: DataError or a valid Series

CELL = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "NA", "nan", "1,234", "2024-01-01", "2024-01-01 10:00 MST", "1700000000", "x", '"']),
    st.text(max_size=6),
)
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=0, max_size=30)


def check_anything(raw: bytes) -> None:
    try:
        s = data.from_csv(raw)
    except DataError:
        return
    assert_valid(s)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_data_error_or_series(raw):
    check_anything(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS, st.sampled_from([",", ";", "\t"]))
def test_random_csv_text_gives_data_error_or_series(rows, sep):
    check_anything("\n".join(sep.join(row) for row in rows).encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------- imports stay light


def test_import_does_not_pull_in_streamlit_torch_or_statsmodels():
    code = ("import sys, rnn_core.data; "
            "print(sorted(m for m in ('streamlit', 'torch', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_file_with_very_many_columns_is_refused_before_it_is_parsed():
    from rnn_core.data import csv_table

    wide = (",".join(f"c{i}" for i in range(csv_table.MAX_COLUMNS + 1)) + "\n") * 12
    with pytest.raises(DataError, match=f"more than {csv_table.MAX_COLUMNS} columns"):
        data.inspect_csv(wide.encode())
    ok = (",".join(f"c{i}" for i in range(5)) + "\n") + "".join(",".join(["1"] * 5) + "\n" for _ in range(12))
    assert len(data.inspect_csv(ok.encode()).columns) == 5


def test_utf16_without_a_byte_order_mark_is_read_as_text():
    text = "x\n" + "".join(f"{i}\n" for i in range(20))
    for codec in ("utf-16-le", "utf-16-be"):
        s = data.from_csv(text.encode(codec))
        assert s.values.tolist() == list(range(20)), codec
        assert any("UTF-16" in n for n in s.notes)
    with pytest.raises(DataError, match="binary data"):
        data.from_csv(b"\x00\x01garbage" * 10)


def test_values_too_large_to_train_on_are_a_message_about_the_data():
    huge = "x\n" + "1e308\n-1e308\n" * 10
    with pytest.raises(DataError, match="Rescale the column"):
        data.from_csv(huge.encode())
    assert data.from_csv(("x\n" + "1e12\n" * 12).encode()).values[0] == 1e12
