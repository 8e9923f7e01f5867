"""Times in a CSV column: date strings, zone abbreviations, unix seconds, years; rows put in time order.

Used by :mod:`rnn_core.data.csv_reader` to decide which columns are time-like: those are
offered as the time axis and never picked as the value to forecast. :func:`text_times` and
:func:`numeric_times` return None (not an exception) for a column that is not time-like;
:func:`time_axis` then orders the chosen column's rows by time, and :func:`seasons` reads
season lengths from the length of its steps.

A text column is read as it is written, and whatever reading it takes a guess is said
in :attr:`TimeReading.notes`, never done silently:

- ``03/04/2023`` is day first or month first. A day above 12 in either place decides;
  when none does, the order that keeps the rows in time order wins, then the one that
  spaces them more evenly (equal steps beat calendar months, which are 28 to 31 days);
  when that still ties, ``.`` and ``-`` mean day first and ``/`` month first.
- Zone abbreviations the app knows ("MST") are converted to UTC; one it does not know
  ("IST": India, Ireland or Israel?) is ignored and the times read as local times.
- When some cells carry a zone and others do not, the zone-less ones are taken to be in
  the zone the others share, or in UTC when they do not share one.

Examples
--------
>>> import pandas as pd
>>> read_times(pd.Series(["2024-03-10 01:00 MST"])).times.tolist()
[Timestamp('2024-03-10 08:00:00')]
>>> read_times(pd.Series(["2024-03-10 01:00 IST"]), "when").notes[0][:50]
"Column 'when': the time zone IST is not one the ap"
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TimeReading", "numeric_times", "read_times", "seasons", "text_times", "time_axis"]

# pandas cannot read zone abbreviations; North American ones are what these files carry.
_ZONES = {"UTC": "+00:00", "GMT": "+00:00", "NST": "-03:30", "NDT": "-02:30", "AST": "-04:00", "ADT": "-03:00",
          "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
          "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00", "HST": "-10:00",
          "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00",
          "EET": "+02:00", "EEST": "+03:00", "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00",
          "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00"}
# abbreviations that name several zones: never guessed, only explained
_AMBIGUOUS = {"IST": "India, Ireland or Israel", "AMT": "Amazon or Armenia", "GST": "Gulf or South Georgia",
              "SST": "Samoa or Singapore", "ECT": "Ecuador or Eastern Caribbean"}
_ZONE_RE = re.compile(r"\s*\b(" + "|".join(_ZONES) + r")$")
# letters after a clock time that are not AM/PM: a zone abbreviation the table above lacks
_UNKNOWN_ZONE_RE = re.compile(r"(?<=\d:\d\d)((?::\d\d(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)\s+(?!(?:AM|PM)$)([A-Z]{2,5})$")
_OFFSET_RE = re.compile(r"(?:[+-]\d\d:?\d\d|Z)$")
_DAY_MONTH_RE = r"^(\d{1,2})([/.-])(\d{1,2})[/.-]\d{2,4}(?!\d)"  # 03/04/2023 and 3.4.23, not 2023-04-03
_TIME_WORDS = ("unix", "epoch", "time", "date", "stamp", "seconds")


@dataclass(frozen=True)
class TimeReading:
    """The times of one column and what the reading assumed.

    ``times`` are tz-naive; ``utc`` says why they are in UTC ("" when they are as the file wrote
    them); ``zones`` are the zones the cells carried, as written; ``notes`` say what a user
    should know about how the times were read.
    """

    times: pd.DatetimeIndex
    notes: tuple = ()
    zones: tuple = ()
    utc: str = ""


def _as_text(cells: pd.Series) -> pd.Series:
    return cells.astype(object).where(cells.notna(), None).astype(str).str.strip().where(cells.notna(), None)


def _parse(text: pd.Series, dayfirst: bool, utc: bool) -> pd.Series:
    """Datetimes (UTC, tz-naive, if ``utc``), NaT where a cell cannot be read."""
    best = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if text.notna().sum() == 0:
        return best
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # pandas guesses one format from the first cell; cells written otherwise are then read one by one
        for options in ({}, {"format": "mixed"}):
            try:
                parsed = pd.to_datetime(text, errors="coerce", utc=utc, dayfirst=dayfirst, **options)
            except (ValueError, TypeError, OverflowError):
                continue
            if utc:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            if parsed.notna().sum() > best.notna().sum():
                best = parsed.astype("datetime64[us]")  # one unit, so that zoned and naive cells combine
            if best.isna().sum() <= 0.1 * text.notna().sum():
                break
    return best


@dataclass(frozen=True)
class _Zoning:
    """Which cells carry a zone (offsets in the text by now) and where zone-less cells are taken to be."""

    aware: pd.Series  # bool per cell
    naive_offset: pd.Timedelta  # zone-less cells are this far ahead of UTC
    notes: tuple
    zones: tuple


def _zoning(raw: pd.Series, text: pd.Series, name: str) -> _Zoning:
    aware = text.str.contains(_OFFSET_RE, na=False)
    naive = text.notna() & ~aware
    written = raw[aware].str.extract(r"([A-Z]{2,5}|[+-]\d\d:?\d\d|Z)$", expand=False).dropna()
    zones = tuple(dict.fromkeys(written))
    if not aware.any() or not naive.any():
        return _Zoning(aware, pd.Timedelta(0), (), zones)
    offsets = text[aware].str.extract(r"(?:([+-])(\d\d):?(\d\d)|Z)$")
    hours, mins = (pd.to_numeric(offsets[k], errors="coerce").fillna(0).to_numpy() for k in (1, 2))
    minutes = pd.Series((hours * 60 + mins) * np.where(offsets[0] == "-", -1, 1))
    shared = minutes.nunique() == 1
    offset = pd.Timedelta(minutes=int(minutes.iloc[0])) if shared else pd.Timedelta(0)
    where = (f"in {zones[0] if zones else 'their zone'} like the others" if shared
             else "in UTC (the others do not share one zone)")
    note = (f"Column {name!r} mixes times with a zone ({int(aware.sum())}) and without one ({int(naive.sum())}): "
            f"the ones without were taken to be {where}, then all were converted to UTC. Write the zone on "
            "every row, or on none, if that is wrong.")
    return _Zoning(aware, offset, (note,), zones)


def _read(text: pd.Series, zoning: _Zoning, dayfirst: bool) -> pd.Series:
    times = _parse(text.where(~zoning.aware, None), dayfirst, utc=False)
    if zoning.naive_offset:  # in the parsed unit (us): a nanosecond Timedelta would cast year -1 out of range
        times = times - zoning.naive_offset.as_unit("us")
    if zoning.aware.any():
        zoned = _parse(text.where(zoning.aware, None), dayfirst, utc=True)
        times = times.where(~zoning.aware, zoned)
    return times


def _regularity(times: pd.Series) -> tuple[bool, float, float]:
    """(in time order, share of steps that are the usual step, share of steps exactly equal in length).

    A step keeps the day of the month and the clock time while the month moves on counts as a
    calendar-month step, so monthly data is regular though its months last 28 to 31 days.
    """
    t = pd.DatetimeIndex(times.dropna())
    steps = np.diff(t.asi8)
    ordered = len(steps) > 0 and (bool(np.all(steps >= 0)) or bool(np.all(steps <= 0))) and bool(steps.any())
    stamps = t.sort_values().unique()
    if len(stamps) < 3:
        return ordered, 0.0, 0.0
    exact = np.diff(stamps.asi8)
    months = np.diff(stamps.year * 12 + stamps.month)
    clock = stamps.asi8 - stamps.normalize().asi8  # time of day
    same_day = (stamps.day[1:] == stamps.day[:-1]) & (clock[1:] == clock[:-1]) & (months > 0)
    kind = pd.Series(np.where(same_day, -months, exact))  # a calendar-month step is keyed by minus its months
    return ordered, _share_of_mode(kind), _share_of_mode(pd.Series(exact))


def _share_of_mode(steps: pd.Series) -> float:
    return float(steps.value_counts().iloc[0] / len(steps))


def _day_first(text: pd.Series, zoning: _Zoning, name: str) -> tuple[bool, pd.Series | None, tuple]:
    """Whether to read 03/04/2023 day first; the times if deciding needed reading both ways; a note."""
    parts = text.str.extract(_DAY_MONTH_RE)
    matched = parts[0].notna()
    if matched.sum() < 0.5 * text.notna().sum():
        return False, None, ()  # year first (ISO) or words: pandas reads those without help
    first, second = parts[0][matched].astype(int), parts[2][matched].astype(int)
    if (first > 12).any() and (second > 12).any():
        return False, None, (f"Column {name!r} mixes day-first and month-first dates (days above 12 in both "
                             "places); dates that could be either were read month first.",)
    if (first > 12).any() or (second > 12).any():
        return bool((first > 12).any()), None, ()  # a day above 12 settles it: nothing to tell
    by_day, by_month = _read(text, zoning, True), _read(text, zoning, False)
    day_score, month_score = _regularity(by_day), _regularity(by_month)
    reasons = ("only that order keeps the rows in time order", "that order spaces the times more evenly",
               "that order gives steps of equal length (the other gives calendar months)")
    decided = next((k for k in range(3) if day_score[k] != month_score[k]), None)
    if decided is not None:
        dayfirst, reason = day_score[decided] > month_score[decided], reasons[decided]
    else:
        separator = parts[1][matched].iloc[0]
        dayfirst = separator != "/"
        reason = (f"nothing else decides, and with {separator!r} between the numbers the app assumes "
                  f"{'day' if dayfirst else 'month'} first")
    order = "day first (dd/mm/yyyy)" if dayfirst else "month first (mm/dd/yyyy)"
    note = (f"Column {name!r}: no day is above 12, so its dates could be day first or month first; they were read "
            f"{order} because {reason}. Write the year first (2023-04-03) to remove the doubt.")
    return dayfirst, by_day if dayfirst else by_month, (note,)


def read_times(cells: pd.Series, name: str = "time") -> TimeReading:
    """Read text cells as datetimes, saying what was assumed (see the module's docstring).

    Parameters
    ----------
    cells : pd.Series
        Text cells, None/NaN where empty.
    name : str
        The column's name, for the notes.

    Returns
    -------
    TimeReading
        NaT where a cell cannot be read; in UTC if any cell carried a zone.
    """
    raw = _as_text(cells)
    notes = []
    unknown = raw.str.extract(_UNKNOWN_ZONE_RE)[1]
    unknown = unknown.where(~unknown.isin(list(_ZONES)))
    text = raw.str.replace(_UNKNOWN_ZONE_RE, lambda m: m[1] if m[2] not in _ZONES else m[0], regex=True)
    text = text.str.replace(_ZONE_RE, lambda m: _ZONES[m[1]], regex=True)
    if unknown.notna().any():
        found = list(dict.fromkeys(unknown.dropna()))
        meanings = "; ".join(f"{z} can mean {_AMBIGUOUS[z]}" for z in found if _AMBIGUOUS.get(z))
        notes.append(f"Column {name!r}: the time zone {', '.join(found)} is not one the app knows"
                     f"{f' ({meanings})' if meanings else ''}, so those times were read as local times, "
                     "ignoring the zone. Write times with an offset such as +05:30 to have them converted.")
    zoning = _zoning(raw, text, name)
    dayfirst, times, order_notes = _day_first(text, zoning, name)
    if times is None:
        times = _read(text, zoning, dayfirst)
    zones = zoning.zones
    utc = f"the file's times carry zones ({', '.join(zones)}) and were converted" if zones else ""
    return TimeReading(pd.DatetimeIndex(times), tuple(notes) + order_notes + zoning.notes, zones, utc)


def text_times(cells: pd.Series, name: str = "time") -> TimeReading | None:
    """The column's times if at least 90% of its filled cells read as dates, else None."""
    present = cells[cells.notna()]
    sample = present.iloc[:50]
    if sample.empty or not sample.astype(str).str.contains(r"\d").all():
        return None
    if read_times(sample, name).times.notna().mean() < 0.9:
        return None
    reading = read_times(cells, name)
    return reading if reading.times.notna().sum() >= 0.9 * len(present) else None


def _digits(numbers: np.ndarray) -> pd.Series:
    return pd.Series([f"{v:.0f}" if np.isfinite(v) else None for v in numbers], dtype=object)


def numeric_times(name: str, numbers: np.ndarray) -> TimeReading | None:
    """Whole numbers that are times (unix seconds or ms, years, 20240303), judged by range and name, else None."""
    finite = numbers[np.isfinite(numbers)]
    if finite.size < 2 or not np.all(finite == np.round(finite)):
        return None
    low, high, lname = finite.min(), finite.max(), name.lower()
    hint = any(word in lname for word in _TIME_WORDS) or re.search(r"(^|[_ ])ts($|[_ ])", lname) is not None
    with np.errstate(over="ignore", invalid="ignore"):
        steps = np.diff(finite)
    regular = (np.all(steps > 0) or np.all(steps < 0)) and np.all(steps % 60 == 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unix = "unix times count from 1 January 1970 in UTC"
        if 1e8 <= low and high <= 4.1e9 and (hint or regular):  # unix seconds: 1973 to 2099
            return TimeReading(pd.DatetimeIndex(pd.to_datetime(numbers, unit="s", errors="coerce")), utc=unix)
        if 1e11 <= low and high <= 4.1e12 and (hint or regular and np.all(steps % 1000 == 0)):  # unix ms
            return TimeReading(pd.DatetimeIndex(pd.to_datetime(numbers, unit="ms", errors="coerce")), utc=unix)
        if "year" in lname and 1000 <= low and high <= 2500:
            return TimeReading(pd.DatetimeIndex(pd.to_datetime(_digits(numbers), format="%Y", errors="coerce")))
        if hint and 1e7 <= low and high < 1e8:  # 20240303
            parsed = pd.to_datetime(_digits(numbers), format="%Y%m%d", errors="coerce")
            return TimeReading(pd.DatetimeIndex(parsed)) if parsed.notna().sum() >= 0.9 * finite.size else None
    return None


def time_axis(values: np.ndarray, reading: TimeReading) -> tuple[np.ndarray, pd.DatetimeIndex, list]:
    """``values`` put on the times of ``reading``: (values, index, notes).

    Rows whose time cannot be read are dropped, the rest sorted oldest first and values that share
    a timestamp averaged; the notes say how the times were read and what was done to the rows.

    Examples
    --------
    >>> reading = TimeReading(pd.DatetimeIndex(["2024-01-03", "2024-01-02", "2024-01-02", None]))
    >>> values, index, notes = time_axis(np.array([3.0, 1.0, 2.0, 9.0]), reading)
    >>> values.tolist(), len(notes)
    ([1.5, 3.0], 3)
    """
    notes = list(reading.notes)
    if reading.utc:
        notes.append(f"Times are shown in UTC: {reading.utc}.")
    times = reading.times
    unreadable = int(times.isna().sum())
    if unreadable:
        notes.append(f"Dropped {unreadable} rows whose time could not be read.")
    values, times = values[times.notna()], times[times.notna()]
    steps = np.diff(times.asi8)
    if (steps < 0).any():
        notes.append("Sorted rows oldest first (the file listed them newest first)." if (steps <= 0).all()
                     else "Sorted rows by time.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a mean of huge numbers may overflow: the caller checks for inf
        merged = pd.Series(values, index=times).groupby(level=0).mean()  # sorts by time too
    if len(merged) < len(values):
        notes.append(f"Averaged rows that share a timestamp ({len(values) - len(merged)} duplicates).")
    return merged.to_numpy(dtype=float), pd.DatetimeIndex(merged.index).rename(None), notes


def seasons(index: pd.DatetimeIndex) -> tuple[tuple, list]:
    """Season lengths (in steps) that the usual step suggests, each at most half the series; and a note if
    the steps are uneven. Hourly data gives (24, 168), daily (7,), weekly (52,), monthly (12,), quarterly (4,).

    Examples
    --------
    >>> seasons(pd.date_range("2024-01-01", periods=400, freq="h"))
    ((24, 168), [])
    """
    notes = []
    if len(index) < 3:
        return (), notes
    steps = pd.Series(index).diff().dropna()
    step = steps.mode().iloc[0]
    if ((steps - step).abs() > 0.1 * step).mean() > 0.1:  # months of 28 to 31 days still count as even
        notes.append("The time steps are uneven; the network treats each row as one step.")
    day = pd.Timedelta(days=1)
    if pd.Timedelta(0) < step <= day and day % step == pd.Timedelta(0):
        per_day = int(day / step)
        found = (per_day, 7 * per_day) if per_day > 1 else (7,)
    elif pd.Timedelta(days=7) == step:
        found = (52,)
    elif pd.Timedelta(days=28) <= step <= pd.Timedelta(days=31):
        found = (12,)
    elif pd.Timedelta(days=89) <= step <= pd.Timedelta(days=92):
        found = (4,)
    else:
        found = ()
    return tuple(p for p in found if 2 * p <= len(index)), notes
