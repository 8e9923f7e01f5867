"""Uploaded CSV traps that used to pass silently (issue 18, item 7): the day/month order of dates,
unknown zone abbreviations, zoned and zone-less times mixed, times shown in UTC without saying so,
and the value column a weather export opens on. Each reading is said in a note the page shows."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnn_core import data
from tests.apptest_helpers import run_page

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "weather_export.csv"
CALGARY = ROOT.parent / "shared" / "data" / "calgary_weather.csv"  # /work/shared/data here, beside the checkout


def upload(rows: list, header: str = "when,v") -> bytes:
    return (header + "\n" + "".join(f"{when},{v}\n" for when, v in rows)).encode()


def order_note(s: data.Series) -> str:
    found = [n for n in s.notes if "day first or month first" in n]
    assert len(found) == 1, s.notes
    return found[0]


# ---------------------------------------------------------------- day first or month first


def test_day_first_dates_with_no_day_above_12_are_read_day_first_and_said():
    s = data.from_csv(upload([(f"{d:02d}/03/2023", d) for d in range(1, 13)]))
    # month first would be the 3rd of January to December: calendar months, not equal steps
    assert s.index[0] == pd.Timestamp("2023-03-01") and s.index[-1] == pd.Timestamp("2023-03-12")
    assert s.values.tolist() == list(range(1, 13))
    note = order_note(s)
    assert "day first (dd/mm/yyyy)" in note and "equal length" in note and "'when'" in note


def test_hourly_day_first_dates_are_decided_by_their_spacing():
    rows = [(f"{d:02d}/03/2023 {h:02d}:00", d * 24 + h) for d in range(1, 13) for h in range(24)]
    s = data.from_csv(upload(rows))
    assert (pd.Series(s.index).diff().iloc[1:] == pd.Timedelta(hours=1)).all()
    assert s.index[24] == pd.Timestamp("2023-03-02 00:00")
    assert "more evenly" in order_note(s) and "day first" in order_note(s)


def test_month_first_monthly_dates_stay_month_first_and_said():
    rows = [(f"{m:02d}/01/{y}", 12 * (y - 2023) + m) for y in (2023, 2024) for m in range(1, 13)]
    s = data.from_csv(upload(rows))
    assert s.index[1] == pd.Timestamp("2023-02-01") and s.period == 12
    assert "month first (mm/dd/yyyy)" in order_note(s)


@pytest.mark.parametrize("sep, first", [("/", "month"), (".", "day"), ("-", "day")])
def test_dates_nothing_decides_follow_the_separator_and_say_so(sep, first):
    # each day/month pair also appears swapped, out of order: both readings give the same dates
    pairs = [(1, 2), (2, 1), (3, 5), (5, 3), (4, 7), (7, 4), (6, 9), (9, 6), (8, 11), (11, 8), (10, 12), (12, 10)]
    s = data.from_csv(upload([(f"{a:02d}{sep}{b:02d}{sep}2023", row) for row, (a, b) in enumerate(pairs, 1)]))
    assert s.index[0] == pd.Timestamp("2023-01-02")
    assert s.values[0] == (2 if first == "day" else 1)  # 2 January is "02/01" day first, "01/02" month first
    note = order_note(s)
    assert f"read {first} first" in note and "nothing else decides" in note and repr(sep) in note


def test_a_day_above_12_decides_without_a_note():
    month_first = data.from_csv(upload([(f"03/{d:02d}/2023", d) for d in range(1, 15)]))
    day_first = data.from_csv(upload([(f"{d:02d}/03/2023", d) for d in range(1, 15)]))
    assert month_first.index.equals(day_first.index)
    assert month_first.index[-1] == pd.Timestamp("2023-03-14")
    assert not [n for n in month_first.notes + day_first.notes if "month first" in n]


def test_both_orders_in_one_column_are_said():
    rows = [("13/01/2023", 1), ("01/14/2023", 2)] + [(f"{d:02d}/02/2023", d) for d in range(1, 11)]
    info = data.inspect_csv(upload(rows))
    assert any("mixes day-first and month-first" in n for n in info.notes)


# ---------------------------------------------------------------- zones the app does not know


def test_an_unknown_zone_keeps_the_time_column_read_as_local_times_and_said():
    rows = [(f"2024-01-01 {h:02d}:00 IST", h) for h in range(12)]
    info = data.inspect_csv(upload(rows))
    assert info.time_columns == ("when",) and info.utc_columns == ()
    s = data.from_csv(upload(rows))
    assert isinstance(s.index, pd.DatetimeIndex) and s.index[0] == pd.Timestamp("2024-01-01 00:00")
    note = next(n for n in s.notes if "IST" in n)
    assert "India, Ireland or Israel" in note and "local times" in note
    assert not any("UTC" in n for n in s.notes), "times read as local are not said to be UTC"


def test_am_pm_is_not_taken_for_a_zone():
    s = data.from_csv(upload([(f"2024-01-01 {h:02d}:30 PM", h) for h in range(1, 12)]))
    assert s.index[0] == pd.Timestamp("2024-01-01 13:30") and s.notes == ()


# ---------------------------------------------------------------- zoned and zone-less times mixed


def test_zone_less_times_among_one_zone_are_taken_to_be_in_it_and_said():
    rows = [(f"2024-01-01 {h:02d}:00{' MST' if h % 2 else ''}", h) for h in range(12)]
    s = data.from_csv(upload(rows))
    # 00:00 without a zone is 00:00 MST, 07:00 UTC: hourly, nothing averaged
    assert s.index[0] == pd.Timestamp("2024-01-01 07:00") and s.values.tolist() == list(range(12))
    assert (pd.Series(s.index).diff().iloc[1:] == pd.Timedelta(hours=1)).all()
    note = next(n for n in s.notes if "mixes times with a zone" in n)
    assert "(6) and without one (6)" in note and "in MST like the others" in note
    assert not any("duplicate" in n for n in s.notes)


def test_zone_less_times_among_several_zones_are_taken_to_be_utc_and_said():
    zones = ["", " MST", " EST"]
    rows = [(f"2024-01-01 {h:02d}:00{zones[h % 3]}", h) for h in range(12)]
    s = data.from_csv(upload(rows))
    assert pd.Timestamp("2024-01-01 00:00") in s.index  # 00:00, no zone: 00:00 UTC
    assert any("taken to be in UTC" in n for n in s.notes)


# ---------------------------------------------------------------- UTC said where the times are shown


def test_times_converted_from_zones_are_said_to_be_utc():
    zoned = data.from_csv(upload([(f"2024-07-01 {h:02d}:00 MDT", h) for h in range(12)]))
    assert any(n.startswith("Times are shown in UTC") and "MDT" in n for n in zoned.notes)
    assert "times in UTC" in zoned.description
    assert data.inspect_csv(upload([(f"2024-07-01 {h:02d}:00 MDT", h) for h in range(12)])).utc_columns == ("when",)
    naive = data.from_csv(upload([(f"2024-07-01 {h:02d}:00", h) for h in range(12)]))
    assert not any("UTC" in n for n in naive.notes) and "UTC" not in naive.description
    by_row = data.from_csv(upload([(f"2024-07-01 {h:02d}:00 MDT", h) for h in range(12)]), time_column=False)
    assert not any("UTC" in n for n in by_row.notes), "no times shown, nothing to say"


def test_unix_times_are_said_to_be_utc():
    rows = [(1_700_000_000 + 3600 * i, i % 5) for i in range(12)]
    s = data.from_csv(upload(rows, header="unixtime,load"))
    assert s.index[0] == pd.Timestamp(1_700_000_000, unit="s")
    assert any(n.startswith("Times are shown in UTC") and "unix" in n for n in s.notes)
    assert data.inspect_csv(upload(rows, header="unixtime,load")).utc_columns == ("unixtime",)
    years = data.from_csv(upload([(1900 + i, i % 3) for i in range(12)], header="year,flow"))
    assert not any("UTC" in n for n in years.notes)


# ---------------------------------------------------------------- the value column a file opens on


WEATHER = [FIXTURE] + [pytest.param(CALGARY, marks=pytest.mark.skipif(not CALGARY.is_file(), reason="no Calgary file"))]


@pytest.mark.parametrize("path", WEATHER, ids=lambda p: p.name)
def test_a_weather_export_opens_on_the_temperature(path):
    info = data.inspect_csv(path)
    assert info.default_value_column == "temperature" and "temperature" in info.default_value_reason
    assert data.from_csv(path).name == "temperature"
    assert info.utc_columns == ("date_time_local", "unixtime")


def test_without_a_temperature_the_column_that_varies_like_a_measurement_is_picked():
    rng = np.random.default_rng(3)
    n = 200
    reading = np.zeros(n)
    for t in range(1, n):
        reading[t] = 0.95 * reading[t - 1] + rng.normal()
    frame = pd.DataFrame({
        "station_id": 5000 + np.arange(n),  # an id, counting up
        "created": 1_700_000_000 + np.cumsum(rng.integers(1, 5000, n)),  # unix seconds at uneven steps
        "flag": rng.integers(0, 2, n),  # two values
        "mode_code": rng.integers(1, 9, n),  # a code, by its name
        "gust": np.where(np.arange(n) < 40, rng.normal(30, 5, n), np.nan),  # mostly empty
        "temp": np.where(np.arange(n) < 60, rng.normal(10, 3, n), np.nan),  # a temperature, mostly empty
        "noise": rng.normal(size=n),  # varies, but not from row to row like a measurement
        "reading": reading.round(3),
    })
    info = data.inspect_csv(frame.to_csv(index=False).encode())
    assert info.default_value_column == "reading", info
    assert "smoothly" in info.default_value_reason
    assert data.from_csv(frame.to_csv(index=False).encode()).name == "reading"


def test_an_extreme_of_a_temperature_comes_after_the_temperature_itself():
    hours = pd.date_range("2024-01-01", periods=30, freq="h")
    rows = "".join(f"{t:%Y-%m-%d %H:%M},{i % 7},{i % 5}\n" for i, t in enumerate(hours))
    info = data.inspect_csv(("when,max_air_temp_pst1hr,Temp (°C)\n" + rows).encode())
    assert info.default_value_column == "Temp (°C)"


# ---------------------------------------------------------------- the notes reach the page


def page_text(at) -> str:
    texts = [e.value for e in [*at.caption, *at.info]] + [o for box in at.selectbox for o in box.options]
    return "\n".join(texts).replace("\\", "")  # plain() escapes markdown characters


def test_the_page_shows_the_order_and_utc_notes_and_the_default_column():
    rows = "".join(f"{d:02d}/03/2023 {h:02d}:00 MST,{88 + h / 100},{h - 5}\n" for d in range(1, 13) for h in range(24))
    content = ("when,pressure,temperature\n" + rows).encode()
    at = run_page("1_Sequence_data.py", dataset="upload", uploaded_csv=("dd_mm.csv", content))
    assert not at.error
    text = page_text(at)
    assert "could be day first or month first" in text and "read day first (dd/mm/yyyy)" in text
    assert "Times are shown in UTC" in text and "when (shown in UTC)" in text
    assert "Started on 'temperature'" in text


def test_the_page_shows_the_unknown_zone_and_the_mixture():
    rows = "".join(f"2024-01-01 {h:02d}:00{' IST' if h % 2 else ''},{h}\n" for h in range(24))
    rows += "".join(f"2024-01-02 {h:02d}:00{' MST' if h % 2 else ''},{h}\n" for h in range(24))
    at = run_page("1_Sequence_data.py", dataset="upload", uploaded_csv=("ist.csv", ("when,v\n" + rows).encode()))
    assert not at.error
    text = page_text(at)
    assert "the time zone IST is not one the app knows" in text and "India, Ireland or Israel" in text
    assert "mixes times with a zone" in text
